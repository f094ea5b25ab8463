package examples

import (
	"fmt"
	"sync"
)

// PrintAll starts one goroutine per name. With go 1.21 in go.mod every goroutine shares the loop
// variable, so they may all print the last name.
func PrintAll(names []string) {
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

// PrintAllSafe passes the value as an argument: nothing to report.
func PrintAllSafe(names []string) {
	var wg sync.WaitGroup
	for _, name := range names {
		wg.Add(1)
		go func(n string) {
			defer wg.Done()
			fmt.Println(n)
		}(name)
	}
	wg.Wait()
}
