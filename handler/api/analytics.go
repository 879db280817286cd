package api

// analyticsDeps holds what the Analytics routes need; its feature fills it in.
type analyticsDeps struct{}

// analyticsRoutes lists the Analytics routes (none yet).
func (s *Server) analyticsRoutes() []route { return nil }
