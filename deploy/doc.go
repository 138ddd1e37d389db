// Package deploy holds what runs treatygraph as stateless replicas of one snapshot behind
// nginx: the nginx configuration (nginx.conf, a template), replicas.sh, which starts replicas
// and nginx on loopback and measures them, and a load generator (loadgen). Its test runs the
// configuration with Debian's nginx: answers are served from the cache when every replica is
// stopped, and an answer of a new dataset version replaces the cached one within the
// replicas' -cache-max-age.
package deploy
