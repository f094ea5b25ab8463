package main

import (
	"fmt"
	"sync"
)

// The end-to-end suites expect gohazard to report nothing in this file: the loop variable reaches
// each goroutine as an argument.
func main() {
	printAll([]string{"a", "b", "c"})
	printAllSafe([]string{"a", "b", "c"})
}

func printAllSafe(names []string) {
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
