package cli

import (
	"runtime"

	"github.com/spf13/cobra"
)

type versionInfo struct {
	Version   string `json:"version"`
	GoVersion string `json:"go_version"`
	Platform  string `json:"platform"`
}

func (a *app) versionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version of vigil",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			v := versionInfo{Version: a.env.Version, GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
			if a.output == formatTable {
				cmd.Printf("vigil %s (%s, %s)\n", v.Version, v.GoVersion, v.Platform)
				return nil
			}
			return a.render(cmd, v, keyValues("version", v.Version, "go_version", v.GoVersion, "platform", v.Platform))
		},
	}
}
