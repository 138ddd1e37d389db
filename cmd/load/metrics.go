package main

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// metricValue finds an unlabelled sample of the named metric in Prometheus text.
func metricValue(r io.Reader, name string) (float64, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		rest, ok := strings.CutPrefix(line, name)
		if !ok || !strings.HasPrefix(rest, " ") {
			continue // another metric, a longer name, or a labelled sample
		}
		f := strings.Fields(rest) // value, and perhaps a timestamp
		v, err := strconv.ParseFloat(f[0], 64)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", name, err)
		}
		return v, nil
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("no sample of %s", name)
}

// statements reads the server's count of SQL statements run from its /metrics.
func statements(client *http.Client, metricsURL string) (float64, error) {
	resp, err := client.Get(metricsURL)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("%s: status %d", metricsURL, resp.StatusCode)
	}
	return metricValue(resp.Body, "treatygraph_sql_statements_total")
}
