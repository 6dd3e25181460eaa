"""The judge: test cells run outside the student's kernel, on evidence.

* :mod:`.evidence`: the plain data that crosses the kernel boundary, and the
  strict reader that is the only way in;
* :mod:`.probe`: the kernel's side (answers requests, untrusted);
* :mod:`.context`: what the judge takes from the released notebook itself
  (imports, lesson helpers, pure constants);
* :mod:`.process`: the judge process, which runs the test cells;
* :mod:`.session` and :mod:`.kernel_probe`: the autograde worker's side,
  which starts the judge and relays its requests to the kernel.

The threat model is in ``docs/instructors.md`` ("What a student can and
cannot do").
"""
