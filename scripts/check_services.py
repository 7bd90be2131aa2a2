"""Exit 0 if PostgreSQL and Redis answer at the given URLs; otherwise print what is missing."""

import socket
import sys
from urllib.parse import urlparse

for name, url, default_port in (("PostgreSQL", sys.argv[1], 5432), ("Redis", sys.argv[2], 6379)):
    parts = urlparse(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or default_port
    try:
        socket.create_connection((host, port), timeout=2).close()
    except OSError:
        print(f"{name} is not reachable at {host}:{port} ({url})")
        sys.exit(1)
