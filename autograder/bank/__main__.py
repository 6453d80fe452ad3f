"""`python -m checks [NAME]` in your assignment folder: the public checks of one function, or of all."""
import sys

from .check import check, check_all


def main(argv=None):
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] in ("-h", "--help"):
        print(__doc__)
        return 0
    if args:
        try:
            return 0 if check(args[0]).status == "passed" else 1
        except NotImplementedError:
            return 1
        except KeyError as exc:
            print(f"error: {exc.args[0]}", file=sys.stderr)
            return 2
    verdicts = check_all()
    passed = sum(v.status == "passed" for v in verdicts.values())
    print(f"\n{passed} of {len(verdicts)} functions pass their public checks")
    return 0 if passed == len(verdicts) else 1


sys.exit(main())
