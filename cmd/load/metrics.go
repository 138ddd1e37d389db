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
	v, n, err := metricSamples(r, name, false)
	if err == nil && n == 0 {
		err = fmt.Errorf("no sample of %s", name)
	}
	return v, err
}

// metricSum adds up every sample of the named metric, labelled or not, in Prometheus text.
func metricSum(r io.Reader, name string) (float64, error) {
	v, _, err := metricSamples(r, name, true)
	return v, err
}

// metricSamples reads the samples of the named metric (labelled ones too when labelled is
// set): the first one's value, or with labelled the sum of all, and how many were read.
func metricSamples(r io.Reader, name string, labelled bool) (float64, int, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	sum, n := 0.0, 0
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), name)
		switch {
		case ok && strings.HasPrefix(rest, " "):
		case ok && labelled && strings.HasPrefix(rest, "{"):
			_, rest, ok = strings.Cut(rest, "} ")
		default:
			ok = false // another metric, a longer name, or a labelled sample
		}
		if !ok {
			continue
		}
		f := strings.Fields(rest) // value, and perhaps a timestamp
		if len(f) == 0 {
			continue
		}
		v, err := strconv.ParseFloat(f[0], 64)
		if err != nil {
			return 0, n, fmt.Errorf("%s: %w", name, err)
		}
		sum, n = sum+v, n+1
		if !labelled {
			return v, n, nil
		}
	}
	return sum, n, sc.Err()
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
