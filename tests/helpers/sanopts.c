/* Linked into bin/oomguard by make SANITIZE=1 only.  Built in, not taken
 * from ASAN_OPTIONS: a setgid or non-dumpable copy cannot read its own
 * /proc/self/environ, where the sanitizers look, and some tests run the
 * binary that way.  A one-shot command leaves its few allocations to exit,
 * so leak reports are noise.  Reports go to /tmp/oomguard-sanitizer.PID,
 * not stderr: a detached waiter's or the watch daemon's stderr is
 * /dev/null, and tests/run counts each such file as a failure.  The names
 * are the runtime's, reserved or not. */
const char *__asan_default_options(void);  /* NOLINT(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */
const char *__ubsan_default_options(void); /* NOLINT(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */

const char *__asan_default_options(void) /* NOLINT(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */
{
	return "detect_leaks=0:log_path=/tmp/oomguard-sanitizer";
}

const char *__ubsan_default_options(void) /* NOLINT(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */
{
	return "print_stacktrace=1:log_path=/tmp/oomguard-sanitizer";
}
