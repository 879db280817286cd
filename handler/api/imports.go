package api

// importDeps holds what the Imports routes need; its feature fills it in.
type importDeps struct{}

// importRoutes lists the Imports routes (none yet).
func (s *Server) importRoutes() []route { return nil }
