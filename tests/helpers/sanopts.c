/* Linked into bin/oomguard by make SANITIZE=1 only.  Built in, not taken
 * from ASAN_OPTIONS: a setgid or non-dumpable copy cannot read its own
 * /proc/self/environ, where the sanitizers look, and some tests run the
 * binary that way.  A one-shot command leaves its few allocations to exit,
 * so leak reports are noise. */
const char *__asan_default_options(void);
const char *__ubsan_default_options(void);

const char *__asan_default_options(void)
{
	return "detect_leaks=0";
}

const char *__ubsan_default_options(void)
{
	return "print_stacktrace=1";
}
