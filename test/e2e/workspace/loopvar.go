package main

import (
	"fmt"
	"sync"
)

// printAll starts one goroutine per name. With go 1.21 in go.mod every goroutine shares the loop
// variable, so they may all print the last name.
func printAll(names []string) {
	var wg sync.WaitGroup
	for _, name := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fmt.Println(name)
		}()
	}
	wg.Wait()
}
