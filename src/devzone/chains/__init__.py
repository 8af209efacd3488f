"""Industry chains (产业链图谱): chains, segments, links, strength and gap lists."""
