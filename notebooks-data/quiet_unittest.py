"""The notebooks-data test files' runner: one line on success, the full unittest report on failure.

scripts/check-notebooks shows only the last line of a passing check, so a test file says
there how many tests ran and which were skipped, and why.
"""

import io
import sys
import unittest


def main(subject):
    """Runs the calling module's tests (unittest's command line); returns the exit status."""
    stream = io.StringIO()
    program = unittest.main(module="__main__", testRunner=unittest.TextTestRunner(stream=stream, verbosity=2),
                            exit=False)
    result = program.result
    if not result.wasSuccessful():
        sys.stderr.write(stream.getvalue())
        return 1
    ran = result.testsRun - len(result.skipped)
    if ran == 0:
        sys.stderr.write(stream.getvalue() + "no test ran\n")
        return 1
    skipped = "".join(f"; skipped {test.id().split('.')[-1]}: {reason}" for test, reason in result.skipped)
    print(f"{subject} tests ok: {ran} ran{skipped}")
    return 0
