"""The API's JSON renderer: DRF's output, written by orjson."""

from __future__ import annotations

import orjson
from rest_framework import renderers
from rest_framework.utils.encoders import JSONEncoder

# DRF escapes these two (valid JSON, but not valid JavaScript before ES2019); so does this.
_LINE_SEPARATOR, _PARAGRAPH_SEPARATOR = "\u2028".encode(), "\u2029".encode()
_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME
_drf_default = JSONEncoder().default


class JSONRenderer(renderers.JSONRenderer):
    """The JSON DRF's JSONRenderer writes, encoded by orjson instead of the standard library.

    Values orjson would write differently go through DRF's own encoder: datetimes (DRF writes
    UTC as "Z"), decimals, lazy strings. An indented response (`Accept: application/json;
    indent=4`) and data orjson refuses (a key that is not a string, an integer beyond 64 bits)
    are left to DRF's renderer. The bytes are DRF's but for two cases, the same JSON values:
    a float between 1e-9 and 1e-4 is written without an exponent (0.00005, not 5e-05), and a
    float NaN or infinity, which neither the parser nor PostgreSQL's jsonb lets in, is written
    as null instead of failing the response.
    """

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        indent = self.get_indent(accepted_media_type, renderer_context or {})
        if indent is not None or self.ensure_ascii or not self.compact:
            return super().render(data, accepted_media_type, renderer_context)
        try:
            text = orjson.dumps(data, default=_drf_default, option=_OPTIONS)
        except orjson.JSONEncodeError:
            return super().render(data, accepted_media_type, renderer_context)
        if _LINE_SEPARATOR in text or _PARAGRAPH_SEPARATOR in text:
            text = text.replace(_LINE_SEPARATOR, b"\\u2028")
            text = text.replace(_PARAGRAPH_SEPARATOR, b"\\u2029")
        return text
