package cli

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/vigil/vigil/internal/app/knowledge"
)

// SyncOptions configure the remote feed sources.
type SyncOptions struct {
	// Sources are the names to sync (kev, epss, nvd, osv, csaf); empty is all.
	Sources       []string
	NVDAPIKey     string
	CacheDir      string
	Proxy         string
	OSVEcosystems []string
	CSAFProviders []string
	// URLs replace the default base URLs, by source name (nvd, osv, kev,
	// epss): for mirrors inside an isolated network.
	URLs    map[string]string
	Version string
}

func (a *app) syncCommand() *cobra.Command {
	var opt SyncOptions
	cmd := &cobra.Command{
		Use:   "sync [SOURCE...]",
		Short: "Update the knowledge base from the real sources: kev, epss, nvd, osv, csaf",
		Long: `Update the knowledge base over HTTP from CISA KEV, FIRST EPSS, the NVD CVE API
2.0 (incremental by lastModified windows; an API key raises the rate limit),
OSV per-ecosystem exports (all.zip, then modified_id.csv increments) and CSAF
providers (provider-metadata.json, ROLIE feeds or changes.csv; checksums and
signatures checked; TLP:WHITE/CLEAR only). Conditional requests, retries with
backoff and resumable downloads; each source's state is kept, so a sync cut
off half-way resumes. Without arguments every source is synced.
Environment: VIGIL_NVD_API_KEY, HTTPS_PROXY/NO_PROXY.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opt.Sources, opt.Version = args, a.env.Version
			if opt.NVDAPIKey == "" {
				opt.NVDAPIKey = a.env.Getenv("VIGIL_NVD_API_KEY")
			}
			if a.env.FeedSources == nil {
				return errors.New("this build has no network sources")
			}
			sources, err := a.env.FeedSources(opt)
			if err != nil {
				return usagef("%v", err)
			}
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			var fo knowledge.FeedOptions
			bar := a.progress("syncing")
			if bar != nil {
				fo.Progress = func(n int) { _ = bar.Set(n) }
			}
			start := time.Now()
			results, err := svc.Knowledge.SyncFeeds(cmd.Context(), sources, fo)
			if bar != nil {
				_ = bar.Finish()
			}
			t := &table{header: []string{"SOURCE", "REQUESTS", "NOT MODIFIED", "BYTES", "DOCUMENTS", "ACCEPTED", "UNCHANGED", "REJECTED", "ERROR"}}
			for _, r := range results {
				t.add(r.Source, fmt.Sprint(r.Summary.Requests), fmt.Sprint(r.Summary.NotModified), fmt.Sprint(r.Summary.Bytes),
					fmt.Sprint(r.Summary.Documents), fmt.Sprint(r.Report.Accepted), fmt.Sprint(r.Report.Unchanged),
					fmt.Sprint(r.Report.Rejected), orDash(r.Error))
			}
			if rerr := a.render(cmd, results, t); rerr != nil {
				return rerr
			}
			if a.output == formatTable {
				cmd.Printf("\n%.1f s\n", time.Since(start).Seconds())
			}
			return err
		},
	}
	cmd.Flags().StringVar(&opt.NVDAPIKey, "nvd-api-key", "", "NVD API key (env VIGIL_NVD_API_KEY); never printed")
	cmd.Flags().StringVar(&opt.CacheDir, "cache-dir", "", "download cache (default the user cache directory + /vigil/feeds)")
	cmd.Flags().StringVar(&opt.Proxy, "proxy", "", "HTTP proxy URL (default from HTTPS_PROXY / NO_PROXY)")
	cmd.Flags().StringSliceVar(&opt.OSVEcosystems, "osv-ecosystem", nil, "OSV ecosystems to sync (repeatable; default a built-in list)")
	cmd.Flags().StringSliceVar(&opt.CSAFProviders, "csaf-provider", nil, "CSAF provider-metadata.json URL or domain (repeatable; default CISA)")
	cmd.Flags().StringToStringVar(&opt.URLs, "url", nil, "replace a source's base URL, e.g. --url nvd=https://mirror.example/nvd/cves/2.0 (nvd, osv, kev, epss)")
	return cmd
}
