"""Answers forged in place of AWS checked against AWS's own model (botocore's output shapes).

A forged answer that AWS could not give makes the tests pass against a service that does not exist:
`check_answer` raises AnswerMismatch, listing every member that is unknown, missing, of the wrong type,
or not one of the enum's values.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$")


class AnswerMismatch(AssertionError):
    """A forged answer that does not match the operation's output shape."""


def output_shape(service: str, operation: str) -> Any:
    import botocore.session

    return botocore.session.get_session().get_service_model(service).operation_model(operation).output_shape


def answer_problems(service: str, operation: str, answer: Any) -> list[str]:
    """What in `answer` (as sent on the wire, or as boto3 hands it over) the model does not allow."""
    return [f"{operation}: {p}" for p in _problems(output_shape(service, operation), answer, "$")]


def check_answer(service: str, operation: str, answer: Any) -> Any:
    problems = answer_problems(service, operation, answer)
    if problems:
        raise AnswerMismatch("a forged answer does not match AWS's model:\n" + "\n".join(problems))
    return answer


def _problems(shape: Any, value: Any, where: str) -> list[str]:
    def wrong(expected: str) -> list[str]:
        return [f"{where}: expected {expected} ({shape.name}), got {value!r}"]

    if value is None:
        return [f"{where}: null, where AWS leaves the member out"]
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            return wrong("an object")
        problems = []
        for name, item in value.items():
            if name not in shape.members:
                problems.append(f"{where}.{name}: no such member (members: {', '.join(shape.members)})")
            else:
                problems.extend(_problems(shape.members[name], item, f"{where}.{name}"))
        problems.extend(
            f"{where}.{name}: required member missing" for name in shape.required_members if name not in value
        )
        return problems
    if kind == "list":
        if not isinstance(value, list):
            return wrong("a list")
        return [p for i, item in enumerate(value) for p in _problems(shape.member, item, f"{where}[{i}]")]
    if kind == "map":
        if not isinstance(value, dict):
            return wrong("a map")
        return [p for key, item in value.items() for p in _problems(shape.value, item, f"{where}.{key}")]
    if kind == "string":
        if not isinstance(value, str):
            return wrong("a string")
        if shape.enum and value not in shape.enum:
            return [f"{where}: {value!r} is not one of {', '.join(shape.enum)}"]
        return []
    if kind in ("integer", "long"):
        return [] if isinstance(value, int) and not isinstance(value, bool) else wrong("an integer")
    if kind in ("float", "double"):
        return [] if isinstance(value, (int, float)) and not isinstance(value, bool) else wrong("a number")
    if kind == "boolean":
        return [] if isinstance(value, bool) else wrong("a boolean")
    if kind == "timestamp":
        # The JSON protocols send epoch seconds; boto3 hands over datetimes; ISO text is also accepted.
        if isinstance(value, (datetime.datetime, int, float)) and not isinstance(value, bool):
            return []
        return [] if isinstance(value, str) and ISO_TIME.match(value) else wrong("a time")
    if kind == "blob":
        return [] if isinstance(value, (str, bytes)) else wrong("binary")
    return []
