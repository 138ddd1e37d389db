package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/treatygraph/treatygraph/internal/procstat"
	"github.com/treatygraph/treatygraph/internal/server"
	"github.com/treatygraph/treatygraph/internal/workload"
)

// The fairness measurement (-fair): how a cheap lookup fares while clients loop on the
// dearest query the server admits, under each way of admitting operations, side by side in
// one run. Every request has an alias of its own, so that no kept answer serves it.

// dearQuery is the dearest canonical question the default cost limit admits: every state of
// the first page with each stint, its dates and every source's claim (cost about 2.4 M with
// the three sources, 2.3 MB of JSON).
var dearQuery = workload.Query{
	Name: "dear", What: "100 states' stints with every source's claim",
	Text: `{ states(first: 100) { nodes { name memberships { role start { iso } end { iso }
		claims { source { document { slug } } start { iso } end { iso } } organization { slug } } } } }`,
}

// unboundedSlots is more dear slots than any run uses: dear operations bounded by their
// costs alone, as before cost classes.
const unboundedSlots = 1 << 20

// admissionVariant is one way of admitting operations, as serve's flags set it.
type admissionVariant struct {
	name            string
	cheapCost       int // -cheap-cost
	dearConcurrency int // -dear-concurrency
}

// admissionVariants are compared by -fair: arrival order alone (every operation but the
// most trivial reserves from one first-come-first-served budget, as before cost classes),
// and the defaults, and the defaults with one dear slot per core.
func admissionVariants() []admissionVariant {
	return []admissionVariant{
		{name: "arrival order (no classes)", cheapCost: 1, dearConcurrency: unboundedSlots},
		{name: fmt.Sprintf("classes, %d dear slot(s) (default)", server.DefaultDearConcurrency()), cheapCost: server.DefaultCheapCost},
		{name: "classes, a dear slot per core", cheapCost: server.DefaultCheapCost, dearConcurrency: max(2, server.DefaultDearConcurrency()+1)},
	}
}

// fairRow is one variant's figures.
type fairRow struct {
	variant            admissionVariant
	idle, loaded, dear result
	serverCPU          time.Duration
	peakRSS            uint64
}

// measureFairness runs, for each variant, a lookup alone, then the lookup beside dearClients
// clients of dearQuery, and prints a table.
func measureFairness(ctx context.Context, o options, db *workload.DB, dearClients int, w io.Writer) error {
	lookup := workload.Canonical()[0]
	var rows []fairRow
	for _, v := range admissionVariants() {
		c := childConfig{db: db.Path, conns: o.conns, caches: true, cheapCost: v.cheapCost, dearConcurrency: v.dearConcurrency,
			memoryLimit: o.memoryLimit, gcPercent: o.gcPercent}
		srv, err := startChild(ctx, c)
		if err != nil {
			return err
		}
		r := fairRow{variant: v}
		lookups, dears := lookup.FreshBodies(), dearQuery.FreshBodies()
		lookupBody := func() []byte { return lookups(int(fresh.Add(1))) }
		r.idle = drive(ctx, srv.url, lookup.Name, lookupBody, 1, o.warmup, o.duration)
		errs0, errsErr := graphqlErrors(srv.metricsURL)
		cpu0, cpuErr := procstat.CPU(srv.pid)
		done := make(chan result)
		go func() {
			done <- drive(ctx, srv.url, dearQuery.Name, func() []byte { return dears(int(fresh.Add(1))) }, dearClients, o.warmup, o.duration)
		}()
		r.loaded = drive(ctx, srv.url, lookup.Name, lookupBody, 1, o.warmup, o.duration)
		r.dear = <-done
		cpu1, cpuErr1 := procstat.CPU(srv.pid)
		if cpuErr == nil && cpuErr1 == nil {
			r.serverCPU = cpu1 - cpu0
		}
		// An answer with errors (TIMEOUT, OVERLOADED) comes with status 200: count it failed.
		if errs1, err := graphqlErrors(srv.metricsURL); err == nil && errsErr == nil {
			r.dear.errors += int(errs1 - errs0)
		}
		r.peakRSS, _ = procstat.Memory(srv.pid, "VmHWM")
		srv.stop()
		fmt.Fprintf(os.Stderr, "load: fair %-40s lookup p50 %s idle, %s beside %d dear clients; dear %.2f/s, %d failed\n",
			v.name, ms(r.idle.pct(50)), ms(r.loaded.pct(50)), dearClients, r.dear.rate(), r.dear.errors)
		rows = append(rows, r)
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	fmt.Fprintf(w, "\n%s, %s each after %s of warm-up, %d connections\n\n", db.Path, o.duration, o.warmup, o.conns)
	fmt.Fprintf(w, "| admission | lookup p50 idle | lookup p50 beside %d dear clients | p90 | ratio | dear answers/s | dear failed | server CPU s/s | peak RSS |\n", dearClients)
	fmt.Fprintln(w, "|---|--:|--:|--:|--:|--:|--:|--:|--:|")
	for _, r := range rows {
		ratio := 0.0
		if p := r.idle.pct(50); p > 0 {
			ratio = float64(r.loaded.pct(50)) / float64(p)
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %.1f× | %.2f | %d | %.2f | %.0f MB |\n", r.variant.name, ms(r.idle.pct(50)),
			ms(r.loaded.pct(50)), ms(r.loaded.pct(90)), ratio, r.dear.rate(), r.dear.errors,
			r.serverCPU.Seconds()/(o.warmup+o.duration).Seconds(), float64(r.peakRSS)/1e6)
	}
	return nil
}

// graphqlErrors is the count of errors the server has answered, of every code.
func graphqlErrors(metricsURL string) (float64, error) {
	resp, err := http.Get(metricsURL)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	return metricSum(resp.Body, "treatygraph_graphql_errors_total")
}
