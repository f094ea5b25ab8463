module example.com/gohazard-examples

go 1.21
