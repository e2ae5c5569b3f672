"""The `http` kind: a system reached through declared REST endpoints.

connection:
  base_url_env: HELPDESK_API_URL     # or base_url
  token_env: HELPDESK_API_TOKEN      # optional, sent as `Authorization: Bearer ...`
  timeout: 10                        # seconds, per request
  test: {method: GET, path: /health} # optional; otherwise the base URL must answer
  endpoints:
    contacts:
      find: {method: GET, path: /contacts, params: {email: "{email}"}, rows: results}
      rectify: {method: PATCH, path: "/contacts/{id}"}      # JSON body: the changes
      erase: {method: PATCH, path: "/contacts/{id}"}        # JSON body: nulls and masks
      delete: {method: DELETE, path: "/contacts/{id}"}
      expired: {method: GET, path: /contacts, params: {before: "{cutoff}"}, rows: results}

Rows an endpoint returns are checked again here: a search that answers with more than was asked
for (a fuzzy match, an ignored parameter) never puts another person's record in a response.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from dataward.connectors.base import (
    Connector,
    ErasurePlan,
    ExpiryQuery,
    Key,
    Row,
    Undecided,
    compares,
    field_values,
)
from dataward.connectors.conditions import date_of, text_of
from dataward.connectors.environment import ConnectionSettings
from dataward.connectors.http.endpoints import (
    CollectionEndpoints,
    Endpoint,
    Operation,
    dig,
    read_endpoints,
)
from dataward.core.errors import ConnectorError
from dataward.policy.expressions import empty_fields, judge_all

# httpx is imported by the methods that reach the service: checking a policy reads this class
# (what the kind needs) and should not pay for an HTTP client it will not use.
if TYPE_CHECKING:
    import httpx

SETTINGS = ("base_url", "base_url_env", "token_env", "timeout", "test", "endpoints")
DEFAULT_TIMEOUT = 10.0
MAX_PAGES = 1000
EXCERPT = 200


class HttpConnector(Connector):
    connection_settings = ("base_url_env", "base_url")
    # An http system does not hand a stored value back for writing, so it cannot be hashed.
    can_hash = False

    _base: httpx.URL
    _token: str | None
    _timeout: float
    _test: Endpoint | None
    _endpoints: dict[str, CollectionEndpoints]
    _client: httpx.Client | None

    def __post_init__(self) -> None:
        import httpx

        name = self.system.name
        settings = ConnectionSettings(name, self.system.connection, self.environ, known=SETTINGS)
        base = settings.secret("base_url")
        assert base is not None
        try:
            self._base = httpx.URL(base.rstrip("/") + "/")
        except httpx.InvalidURL as exc:
            raise ConnectorError("the base URL cannot be read", system=name) from exc
        if self._base.scheme not in ("http", "https"):
            raise ConnectorError("the base URL must start with http:// or https://", system=name)
        self._token = settings.secret("token", required=False)
        self._timeout = settings.number("timeout", DEFAULT_TIMEOUT)
        raw_test = self.system.connection.get("test")
        self._test = (
            read_endpoints(name, {"test": {"find": raw_test}})["test"].find[0] if raw_test else None
        )
        self._endpoints = read_endpoints(name, self.system.connection.get("endpoints"))
        if self.system.dataset is None:
            raise ConnectorError(
                "no dataset is declared", system=name, fix="add `dataset:` or `dataset_file:`"
            )
        declared = {c.name for c in self.system.dataset.collections}
        strays = sorted(set(self._endpoints) - declared)
        if strays:
            raise ConnectorError(
                f"endpoints are declared for {', '.join(strays)}, which the dataset does not have",
                system=name,
            )
        self._client = None

    # Plumbing

    @property
    def _where(self) -> str:
        return str(self._base.copy_with(username=None, password=None, query=None))

    def _fail(self, message: str, fix: str | None = None) -> ConnectorError:
        return ConnectorError(message, system=self.system.name, fix=fix)

    def _http(self) -> httpx.Client:
        import httpx

        if self._client is None:
            headers = {"Accept": "application/json", "User-Agent": "dataward"}
            if self._token:
                headers["Authorization"] = f"Bearer {self._token}"
            self._client = httpx.Client(
                timeout=self._timeout, headers=headers, follow_redirects=False
            )
        return self._client

    def _endpoint(self, collection: str, operation: Operation) -> Endpoint:
        self.collection(collection)
        spec = self._endpoints.get(collection)
        found = None
        if spec is not None:
            found = spec.find[0] if operation == "find" and spec.find else None
            if operation != "find":
                found = getattr(spec, operation)
        if found is None:
            raise self._fail(
                f"no `{operation}` endpoint is declared for collection {collection!r}",
                fix=f"declare endpoints.{collection}.{operation}: {{method, path}} in connection",
            )
        return found

    def _url(self, endpoint: Endpoint, values: Mapping[str, Any]) -> httpx.URL:
        return self._base.join(endpoint.url_path(values).lstrip("/"))

    def _excerpt(self, text: str) -> str:
        if self._token:
            text = text.replace(self._token, "[token]")
        text = " ".join(text.split())
        return text if len(text) <= EXCERPT else text[: EXCERPT - 3] + "..."

    def _send(
        self,
        endpoint: Endpoint,
        values: Mapping[str, Any],
        *,
        url: httpx.URL | None = None,
        body: Mapping[str, Any] | None = None,
        missing_ok: bool = False,
    ) -> httpx.Response | None:
        import httpx

        target = url or self._url(endpoint, values)
        params = None if url is not None else endpoint.query(values)
        try:
            response = self._http().request(endpoint.method, target, params=params, json=body)
        except httpx.TimeoutException as exc:
            raise self._fail(
                f"{endpoint.method} {endpoint.path} timed out after {self._timeout:g} s",
                fix="check the service, or raise `timeout` in the connection",
            ) from exc
        except httpx.HTTPError as exc:
            raise self._fail(f"cannot reach {self._where}: {self._excerpt(str(exc))}") from exc
        self.stats.queries += 1
        if missing_ok and response.status_code in (404, 410):
            return None
        if not response.is_success:
            raise self._fail(
                f"{endpoint.method} {endpoint.path} answered {response.status_code}: "
                f"{self._excerpt(response.text)}"
            )
        return response

    def _rows(self, endpoint: Endpoint, response: httpx.Response) -> list[Row]:
        if not response.content:
            return []
        try:
            document = response.json()
        except ValueError as exc:
            raise self._fail(f"{endpoint.method} {endpoint.path} did not answer JSON") from exc
        found = dig(document, endpoint.rows)
        if found is None:
            return []
        if isinstance(found, dict):
            found = [found]
        if not isinstance(found, list) or not all(isinstance(r, dict) for r in found):
            raise self._fail(
                f"{endpoint.method} {endpoint.path}: the rows are not a list of objects",
                fix="point `rows` at the list in the answer, e.g. rows: data.items",
            )
        self.stats.rows_scanned += len(found)
        return found

    def _pages(
        self, endpoint: Endpoint, values: Mapping[str, Any], *, missing_ok: bool
    ) -> Iterator[list[Row]]:
        """Each page of rows, following `next` links that stay on the same server."""
        url: httpx.URL | None = None
        for _ in range(MAX_PAGES):
            response = self._send(endpoint, values, url=url, missing_ok=missing_ok)
            if response is None:
                return
            yield self._rows(endpoint, response)
            link = (
                dig(response.json(), endpoint.next) if endpoint.next and response.content else None
            )
            if not link:
                return
            url = self._base.join(str(link))
            if (url.scheme, url.host, url.port) != (
                self._base.scheme,
                self._base.host,
                self._base.port,
            ):
                raise self._fail(
                    f"{endpoint.path}: the next page is on another server ({url.host}); "
                    "it is not followed, so the token stays with this one"
                )
        raise self._fail(f"{endpoint.path}: more than {MAX_PAGES} pages; stopped")

    def _declared(self, collection: str, row: Row) -> Row:
        return {f.name: row.get(f.name) for f in self.collection(collection).fields}

    def _key(self, collection: str, row: Row) -> Key:
        return tuple(row.get(name) for name in self.collection(collection).primary_key)

    def _key_values(self, collection: str, key: Key) -> dict[str, Any]:
        names = self.collection(collection).primary_key
        if not names:
            raise self._fail(
                f"collection {collection!r} declares no primary key",
                fix="mark its key field(s) with `primary_key: true`",
            )
        return dict(zip(names, key, strict=True))

    # Connector

    def test(self) -> None:
        import httpx

        dataset = self.system.dataset
        missing = [
            c.name
            for c in (dataset.collections if dataset else [])
            if c.name not in self._endpoints or not self._endpoints[c.name].find
        ]
        if self._test is not None:
            self._send(self._test, {})
        else:
            try:
                response = self._http().get(self._base)
            except httpx.HTTPError as exc:
                raise self._fail(f"cannot reach {self._where}: {self._excerpt(str(exc))}") from exc
            self.stats.queries += 1
            if response.status_code >= 500:
                raise self._fail(f"{self._where} answered {response.status_code}")
        if missing:
            raise self._fail(
                f"no `find` endpoint is declared for {', '.join(missing)}",
                fix="declare endpoints.<collection>.find: {path, params} in connection",
            )

    def fetch(self, collection: str, where: Mapping[str, Iterable[Any]]) -> list[Row]:
        info = self.collection(collection)
        spec = self._endpoints.get(collection)
        finds = spec.find if spec else []
        found: dict[Any, Row] = {}
        for name, values in where.items():
            field = info.field(name)
            if field is None:
                raise self._fail(f"collection {collection!r} has no declared field {name!r}")
            endpoint = next((e for e in finds if e.needs == {name}), None)
            if endpoint is None:
                raise self._fail(
                    f"no `find` endpoint of {collection!r} searches by {name!r}",
                    fix=f"declare endpoints.{collection}.find with a '{{{name}}}' placeholder",
                )
            folded = field.identity == "email"
            for value in dict.fromkeys(v for v in values if v is not None):
                wanted = text_of(value)
                assert wanted is not None
                wanted = wanted.lower() if folded else wanted
                has_path_placeholder = "{" in endpoint.path
                for page in self._pages(endpoint, {name: value}, missing_ok=has_path_placeholder):
                    for raw in page:
                        cell = text_of(raw.get(name))
                        if cell is None or (cell.lower() if folded else cell) != wanted:
                            continue
                        row = self._declared(collection, raw)
                        identity = self._key(collection, row) if info.primary_key else repr(row)
                        found.setdefault(identity, row)
        return list(found.values())

    def erase(self, collection: str, keys: Sequence[Key], plan: ErasurePlan) -> int:
        if plan.removes_rows:
            return self.delete(collection, keys)
        body = field_values(
            plan, self.collection(collection), system=self.system.name, can_hash=self.can_hash
        ).fixed
        if not body:
            return 0
        endpoint = self._endpoint(collection, "erase")
        count = 0
        for key in dict.fromkeys(tuple(k) for k in keys):
            if self._send(endpoint, self._key_values(collection, key), body=body, missing_ok=True):
                count += 1
        return count

    def rectify(self, collection: str, keys: Sequence[Key], changes: Mapping[str, Any]) -> int:
        for name in changes:
            if self.collection(collection).field(name) is None:
                raise self._fail(f"collection {collection!r} has no declared field {name!r}")
        endpoint = self._endpoint(collection, "rectify")
        count = 0
        for key in dict.fromkeys(tuple(k) for k in keys):
            try:
                sent = self._send(
                    endpoint, self._key_values(collection, key), body=dict(changes), missing_ok=True
                )
            except ConnectorError as exc:
                if " answered 4" in exc.message:
                    raise self._fail(
                        f"collection {collection!r}, field {', '.join(map(repr, changes))}: the "
                        f"value was refused ({exc.message.split(': ', 1)[1]})",
                        fix="correct the value to suit the field",
                    ) from exc
                raise
            if sent is not None:
                count += 1
        return count

    def expired(self, query: ExpiryQuery, *, batch_size: int = 1000) -> Iterator[list[Key]]:
        keys = sorted(
            {
                self._key(query.collection, raw)
                for raw in self._past_cutoff(query)
                if judge_all(query.conditions, raw) is True
            },
            key=lambda k: tuple(text_of(p) or "" for p in k),
        )
        for start in range(0, len(keys), batch_size):
            yield keys[start : start + batch_size]

    def undecided(self, query: ExpiryQuery) -> Undecided:
        found = Undecided()
        if compares(query.conditions):
            for raw in self._past_cutoff(query):
                if judge_all(query.conditions, raw) is None:
                    found.add(empty_fields(query.conditions, raw))
        return found

    def _past_cutoff(self, query: ExpiryQuery) -> Iterator[Row]:
        if query.related is not None:
            raise self._fail(
                "an http system cannot read a related collection's date",
                fix="give the collection its own date field, or expire it through its endpoint",
            )
        endpoint = self._endpoint(query.collection, "expired")
        values = {
            "cutoff": query.cutoff.isoformat(),
            "date_field": query.date_field or "",
            "collection": query.collection,
        }
        for page in self._pages(endpoint, values, missing_ok=False):
            for raw in page:
                if query.date_field is not None:
                    try:
                        when = date_of(raw.get(query.date_field))
                    except ValueError as exc:
                        raise self._fail(
                            f"{query.collection}: {query.date_field} holds "
                            f"{raw.get(query.date_field)!r}, which is not a date"
                        ) from exc
                    if when is None or when >= query.cutoff:
                        continue
                yield raw

    def delete(self, collection: str, keys: Sequence[Key]) -> int:
        endpoint = self._endpoint(collection, "delete")
        count = 0
        for key in dict.fromkeys(tuple(k) for k in keys):
            # Already gone (404/410) is what a re-run after a crash sees: not an error.
            if self._send(endpoint, self._key_values(collection, key), missing_ok=True):
                count += 1
        return count

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
