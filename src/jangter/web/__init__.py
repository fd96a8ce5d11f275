"""The web: server-rendered pages (Korean first, English too) and the shared HTTP plumbing of the API."""
