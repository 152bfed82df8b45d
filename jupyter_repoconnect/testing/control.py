"""`/_sandbox/...`: drive the sandbox from another process (faults, reset, tokens, state) and
read what it was asked (`/requests`: the masked request log)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .wire import BadBody, Request, Response, empty, json_response

if TYPE_CHECKING:
    from .sandbox import Sandbox


def _error(status: int, message: str) -> Response:
    return json_response(status, {"message": message})


def handle(sb: Sandbox, req: Request, rest: str) -> Response:
    """Answer a request whose path was `/_sandbox` + `rest`."""
    route = rest.rstrip("/")
    method = req.method
    if route == "/state" and method in ("GET", "HEAD"):
        return json_response(200, sb.state())
    if route == "/requests" and method in ("GET", "HEAD"):
        return _requests(sb, req)
    if route == "/reset" and method == "POST":
        sb.reset()
        return empty(204)
    if route == "/faults":
        if method == "GET":
            return json_response(200, {"faults": [f.to_dict() for f in sb.faults.list()]})
        if method == "DELETE":
            sb.clear_faults()
            return empty(204)
        if method == "POST":
            try:
                body = req.json()
                fault = sb.inject(
                    body.get("kind", ""),
                    body.get("service"),
                    body.get("value"),
                    body.get("times"),
                    body.get("path"),
                )
            except (BadBody, ValueError) as err:
                return _error(400, str(err))
            return json_response(201, fault.to_dict())
    if route == "/channels" and method == "POST":
        try:
            body = req.json()
            sb.add_channel(
                body.get("name"), body.get("description", ""), body.get("privacy", "public")
            )
        except (BadBody, ValueError, AttributeError) as err:
            return _error(400, str(err))
        return empty(204)
    if route.startswith("/tokens/") and method == "POST":
        token_id, _, action = route[len("/tokens/") :].partition("/")
        record = sb.tokens.select().get(token_id)
        if record is None:
            return _error(404, "No token with this id.")
        if action == "revoke":
            record.revoked = True
        elif action == "expire":
            sb.tokens.expire(token_id)
        else:
            return _error(404, "Use .../revoke or .../expire.")
        return json_response(200, record.to_dict())
    return _error(404, "Not found.")


def _requests(sb: Sandbox, req: Request) -> Response:
    """The request log, oldest first: method, path (tokens and secret query values already
    masked when logged), status, service; `?service=<id>` keeps one service's."""
    items = [r._asdict() for r in sb.logged_requests(req.query.get("service"))]
    return json_response(200, {"requests": items})
