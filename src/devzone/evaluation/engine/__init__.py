"""The evaluation engine: pure Polars + PyYAML, no Django.

scheme = load_scheme("mujun")                 # or Scheme.from_dict(d), or a .yaml path
result = evaluate(scheme, frame, group_by=None)
result.results                                # one row per input row
result.explain("91330100MA2XXXXX0X")          # everything behind one result
sensitivity(scheme, frame, draws=100, spread=0.2, seed=0)
"""

from devzone.evaluation.engine.aggregate import trimmed_mean
from devzone.evaluation.engine.errors import EvaluationInputError, FormulaError, SchemeError
from devzone.evaluation.engine.flags import flag_consecutive
from devzone.evaluation.engine.formula import Formula, parse_formula
from devzone.evaluation.engine.pipeline import evaluate
from devzone.evaluation.engine.result import EvaluationResult
from devzone.evaluation.engine.scheme import Scheme, builtin_scheme_names, load_scheme
from devzone.evaluation.engine.sensitivity import sensitivity, sensitivity_of
from devzone.evaluation.engine.tables import read_table, write_table

__all__ = [
    "EvaluationInputError",
    "EvaluationResult",
    "Formula",
    "FormulaError",
    "Scheme",
    "SchemeError",
    "builtin_scheme_names",
    "evaluate",
    "flag_consecutive",
    "load_scheme",
    "parse_formula",
    "read_table",
    "sensitivity",
    "sensitivity_of",
    "trimmed_mean",
    "write_table",
]
