package api

// documentDeps holds what the Documents routes need; its feature fills it in.
type documentDeps struct{}

// documentRoutes lists the Documents routes (none yet).
func (s *Server) documentRoutes() []route { return nil }
