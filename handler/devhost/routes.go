package main

import (
	"sort"
	"strings"
)

// segment is one part of an HTTP route template.
type segment struct {
	literal  string
	param    string
	catchAll bool
	optional bool
}

// httpRoute is an HTTP function's route with the prefix applied.
type httpRoute struct {
	fn       *function
	segments []segment
	methods  map[string]bool // empty means every method
}

// parseRoute parses an ASP.NET-style route template: literal segments, {name},
// {name?}, {name:constraint} (constraints are ignored) and a final {*rest} catch-all.
func parseRoute(prefix, template string) []segment {
	var segs []segment
	for part := range strings.SplitSeq(strings.Trim(prefix+"/"+template, "/"), "/") {
		if part == "" {
			continue
		}
		if !strings.HasPrefix(part, "{") || !strings.HasSuffix(part, "}") {
			segs = append(segs, segment{literal: part})
			continue
		}
		name := part[1 : len(part)-1]
		s := segment{}
		if strings.HasPrefix(name, "*") {
			s.catchAll, name = true, strings.TrimLeft(name, "*")
		}
		name, _, _ = strings.Cut(name, ":")
		if strings.HasSuffix(name, "?") {
			s.optional, name = true, strings.TrimSuffix(name, "?")
		}
		s.param = name
		segs = append(segs, s)
	}
	return segs
}

// newRoutes builds the routes of every HTTP function, most specific first (more
// literal segments, then fewer parameters, catch-alls last).
func newRoutes(a *app) []httpRoute {
	var routes []httpRoute
	for _, fn := range a.Functions {
		if !isType(fn.Trigger, "httpTrigger") {
			continue
		}
		template := fn.Trigger.Route
		if template == "" {
			template = fn.Name
		}
		rt := httpRoute{fn: fn, segments: parseRoute(a.RoutePrefix, template),
			methods: map[string]bool{}}
		for _, m := range fn.Trigger.Methods {
			rt.methods[strings.ToUpper(m)] = true
		}
		routes = append(routes, rt)
	}
	sort.SliceStable(routes, func(i, j int) bool {
		return routes[i].rank() > routes[j].rank()
	})
	return routes
}

func (rt httpRoute) rank() int {
	score := 0
	for _, s := range rt.segments {
		switch {
		case s.literal != "":
			score += 100
		case s.catchAll:
			score -= 10
		default:
			score += 1
		}
	}
	return score
}

// match matches a decoded URL path; it returns the route parameters.
func (rt httpRoute) match(method, path string) (map[string]string, bool) {
	if len(rt.methods) > 0 && !rt.methods[method] {
		return nil, false
	}
	parts := strings.Split(strings.Trim(path, "/"), "/")
	if len(parts) == 1 && parts[0] == "" {
		parts = nil
	}
	params := map[string]string{}
	for i, s := range rt.segments {
		if s.catchAll {
			if i < len(parts) {
				params[s.param] = strings.Join(parts[i:], "/")
			}
			return params, true
		}
		if i >= len(parts) {
			if !s.optional {
				return nil, false
			}
			continue
		}
		if s.literal != "" {
			if !strings.EqualFold(s.literal, parts[i]) {
				return nil, false
			}
			continue
		}
		params[s.param] = parts[i]
	}
	return params, len(parts) <= len(rt.segments)
}

// findRoute returns the first route matching the request.
func findRoute(routes []httpRoute, method, path string) (httpRoute, map[string]string, bool) {
	for _, rt := range routes {
		if params, ok := rt.match(method, path); ok {
			return rt, params, true
		}
	}
	return httpRoute{}, nil, false
}
