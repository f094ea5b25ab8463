module example.com/gohazard-e2e

go 1.21
