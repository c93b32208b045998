"""One router per area; each route reads its input, calls the area's library
module inside one transaction (portal.web.db) and renders or redirects."""
