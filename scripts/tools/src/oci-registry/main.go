// oci-registry serves go-containerregistry's registry (pkg/registry, the implementation behind
// `crane registry serve`) with its OCI 1.1 referrers API switched on. `crane registry serve` v0.22.1
// builds the same handler without registry.WithReferrersSupport(true), so its /v2/<name>/referrers/
// answers 404: this main differs only in that option.
//
//	oci-registry --address 127.0.0.1:PORT [--disk DIR]
//
// Loopback only: an address that is not a loopback IP literal is refused.
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/google/go-containerregistry/pkg/registry"
)

func main() {
	address := flag.String("address", "127.0.0.1:0", "loopback host:port to listen on")
	disk := flag.String("disk", "", "directory for blobs (default: in memory)")
	quiet := flag.Bool("quiet", false, "do not log every request")
	flag.Parse()

	host, _, err := net.SplitHostPort(*address)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		fmt.Fprintf(os.Stderr, "oci-registry: --address must be a loopback IP:port, got %q\n", *address)
		os.Exit(2)
	}
	listener, err := net.Listen("tcp", *address)
	if err != nil {
		fmt.Fprintf(os.Stderr, "oci-registry: %v\n", err)
		os.Exit(1)
	}
	opts := []registry.Option{registry.WithReferrersSupport(true)}
	if *disk != "" {
		if err := os.MkdirAll(*disk, 0o755); err != nil {
			fmt.Fprintf(os.Stderr, "oci-registry: %v\n", err)
			os.Exit(1)
		}
		opts = append(opts, registry.WithBlobHandler(registry.NewDiskBlobHandler(*disk)))
	}
	logger := log.New(os.Stderr, "", log.LstdFlags)
	if *quiet {
		logger = log.New(nopWriter{}, "", 0)
	}
	opts = append(opts, registry.Logger(logger))
	fmt.Fprintf(os.Stderr, "oci-registry: serving on %s (referrers API on)\n", listener.Addr())
	server := &http.Server{Handler: registry.New(opts...), ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(server.Serve(listener))
}

type nopWriter struct{}

func (nopWriter) Write(p []byte) (int, error) { return len(p), nil }
