"""The five example businesses: their policies and sample-system generators."""

from dataward.examples.catalogue import (
    EXAMPLES,
    REFERENCE_DATE,
    example_dir,
    examples_root,
    generate_example,
    known_people,
    load_generator,
    policy_path,
)
from dataward.examples.population import KnownPerson

__all__ = [
    "EXAMPLES",
    "REFERENCE_DATE",
    "KnownPerson",
    "example_dir",
    "examples_root",
    "generate_example",
    "known_people",
    "load_generator",
    "policy_path",
]
