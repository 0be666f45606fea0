package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/vigil/vigil"
)

// releasePortsCommand manages the network ports a release declares: the
// list MDS2 CONN-2 refers to, which vigil mds2 check compares with the
// ports a form names.
func (a *app) releasePortsCommand() *cobra.Command {
	var sref releaseRef
	set := &cobra.Command{
		Use:     "set --product P --release V [PORT[/tcp|udp][=SERVICE]...]",
		Short:   "Replace the ports a release declares (none clears them)",
		Example: `  vigil release ports set -p "Infusion Pump" -r 3.0 443/tcp=HTTPS 104/tcp=DICOM 123/udp=NTP`,
		RunE: func(cmd *cobra.Command, args []string) error {
			var ports []vigil.ReleasePort
			for _, arg := range args {
				p, err := vigil.ParseReleasePort(arg)
				if err != nil {
					return usagef("%v", err)
				}
				ports = append(ports, p)
			}
			svc, sc, rel, err := a.resolveRelease(cmd.Context(), sref)
			if err != nil {
				return err
			}
			out, err := svc.Forms.SetReleasePorts(cmd.Context(), sc, rel.ID, ports)
			if err != nil {
				return err
			}
			return a.render(cmd, out, portTable(out))
		},
	}
	sref.register(set)
	var lref releaseRef
	list := &cobra.Command{
		Use:   "list --product P --release V",
		Short: "List the ports a release declares",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, sc, rel, err := a.resolveRelease(cmd.Context(), lref)
			if err != nil {
				return err
			}
			out, err := svc.Forms.ReleasePorts(cmd.Context(), sc, rel.ID)
			if err != nil {
				return err
			}
			return a.render(cmd, out, portTable(out))
		},
	}
	lref.register(list)
	return group("ports", "The network ports a release declares (MDS2 CONN-2)", set, list)
}

func portTable(ps []vigil.ReleasePort) *table {
	t := &table{header: []string{"PORT", "PROTOCOL", "SERVICE"}}
	for _, p := range ps {
		t.add(fmt.Sprint(p.Port), p.Protocol, orDash(p.Service))
	}
	return t
}
