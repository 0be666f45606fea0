package ingest

// Notice is an error that does not stop a document from being read but
// must be reported with it ("its signature was not checked"): what a
// verification returns for a file that may be imported.
type Notice struct{ Msg string }

func (n *Notice) Error() string { return n.Msg }
