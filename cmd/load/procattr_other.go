//go:build !linux

package main

import "syscall"

// childAttr: elsewhere the server exits when its standard input closes.
func childAttr() *syscall.SysProcAttr { return nil }
