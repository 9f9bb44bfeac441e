"""The JSON Schema of digestkit's JSON output, generated from the models.

pydantic leaves out `$schema` although it writes draft 2020-12, so it is added here for
check-jsonschema and editors. Serialization mode describes what `digestkit convert -t json`
writes, computed `arxiv_id` included. `docs/digest.schema.json` is this function's output, and a
test fails when the two drift apart.
"""

from __future__ import annotations

import json
from typing import Any

from .models import DigestDocument

SCHEMA_ID = "urn:digestkit:digest-document"
DIALECT = "https://json-schema.org/draft/2020-12/schema"


def json_schema() -> dict[str, Any]:
    """The schema as a dict: `$schema`, `$id` and `title` first, then pydantic's output."""
    generated = DigestDocument.model_json_schema(mode="serialization")
    generated.pop("title", None)
    return {"$schema": DIALECT, "$id": SCHEMA_ID, "title": "digestkit digest document", **generated}


def schema_text() -> str:
    """The schema as committed in `docs/digest.schema.json`: indent 2, model key order, UTF-8,
    trailing newline. `digestkit schema` prints exactly this."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
