/*
 * program: a real program under the allocator being measured (LD_PRELOAD
 * is inherited by the child and by everything it runs). The program's input
 * is generated here, deterministic for `scale`, and its output is verified:
 *   sort    sort(1) of `scale` thousand random lines (LC_ALL=C); the output
 *           must be ordered and hold the same lines (count and checksum).
 *   python  python3 builds a dict of `scale` thousand records, serialises it
 *           to JSON and back; it must report the record count and a
 *           round trip equal to the original.
 *   gcc     gcc -O1 compiles a generated C file of `scale` times twenty
 *           functions into a program; running it must print the sum the
 *           generator knows.
 * ops = 1 (one run of the program); seconds is its wall time; max_rss_kb is
 * the child's peak (wait4's ru_maxrss), and the rusage fields are the
 * child's too. Exit 4 when the program is not
 * installed (the suite reports the row as missing, not failed).
 */
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "bench_check.h"
#include "bench_common.h"

static const char *usage = "bench_program sort|python|gcc scale";
static char dir[256];

static void path(char *out, size_t n, const char *name) { snprintf(out, n, "%s/%s", dir, name); }

/* Runs argv with stdout to `out` (or inherited); returns the child's peak RSS in KiB. */
static struct rusage child_usage; /* of the measured program (the last run with `measured`) */

static long run(char **args, const char *out, double *seconds) {
  double start = bench_now();
  pid_t pid = fork();
  if (pid < 0) bench_check_fail("program", "fork failed");
  if (pid == 0) {
    if (out != NULL) {
      if (freopen(out, "w", stdout) == NULL) _exit(127);
    }
    setenv("LC_ALL", "C", 1);
    execvp(args[0], args);
    _exit(126);
  }
  int status = 0;
  struct rusage ru;
  if (wait4(pid, &status, 0, &ru) < 0) bench_check_fail("program", "wait4 failed");
  *seconds = bench_now() - start;
  child_usage = ru;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 126) {
    fprintf(stderr, "program: %s is not installed\n", args[0]);
    exit(4);
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    fprintf(stderr, "program: %s failed (%s %d)\n", args[0], WIFEXITED(status) ? "exit" : "signal",
            WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
    exit(3);
  }
  return ru.ru_maxrss;
}

static uint64_t line_hash(const char *s, size_t n) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
  return bench_tag(h);
}

static unsigned long long do_sort(unsigned long long scale, double *seconds, long *rss) {
  char in[300], out[300];
  path(in, sizeof in, "lines.txt");
  path(out, sizeof out, "sorted.txt");
  FILE *f = fopen(in, "w");
  if (f == NULL) bench_check_fail("program", "cannot write the input");
  uint64_t rng = 12345, sum = 0;
  unsigned long long lines = scale * 1000;
  char line[128];
  for (unsigned long long i = 0; i < lines; i++) {
    size_t n = 8 + (size_t)(bench_rand(&rng) % 60);
    for (size_t k = 0; k < n; k++) line[k] = (char)('a' + bench_rand(&rng) % 26);
    sum += line_hash(line, n);
    fwrite(line, 1, n, f);
    fputc('\n', f);
  }
  fclose(f);
  char *args[] = {"sort", "-o", out, in, NULL};
  *rss = run(args, NULL, seconds);
  f = fopen(out, "r");
  if (f == NULL) bench_check_fail("program", "sort wrote no output");
  char prev[128] = "", cur[128];
  unsigned long long seen = 0;
  uint64_t got = 0;
  while (fgets(cur, sizeof cur, f) != NULL) {
    size_t n = strcspn(cur, "\n");
    cur[n] = '\0';
    if (seen > 0 && strcmp(prev, cur) > 0) bench_check_fail("program", "sort output out of order");
    got += line_hash(cur, n);
    memcpy(prev, cur, n + 1);
    seen++;
  }
  fclose(f);
  if (got != sum) bench_check_fail("program", "sort output holds other lines than its input");
  return seen == lines ? lines : seen;
}

static const char *python_script =
    "import json,sys\n"
    "n=int(sys.argv[1])\n"
    "d={('k%d'%i):{'id':i,'name':'item-%d'%i,'tags':['t%d'%(i%7),'u%d'%(i%13)],'v':[i*j for j in range(8)]}"
    " for i in range(n)}\n"
    "s=json.dumps(d,sort_keys=True)\n"
    "e=json.loads(s)\n"
    "print(len(e), 'roundtrip', 'ok' if e==d else 'differs')\n";

static unsigned long long do_python(unsigned long long scale, double *seconds, long *rss) {
  char out[300], count[32];
  path(out, sizeof out, "python.txt");
  snprintf(count, sizeof count, "%llu", scale * 1000);
  char *args[] = {"python3", "-c", (char *)python_script, count, NULL};
  *rss = run(args, out, seconds);
  FILE *f = fopen(out, "r");
  unsigned long long n = 0;
  char word[32] = "", verdict[32] = "";
  if (f == NULL || fscanf(f, "%llu %31s %31s", &n, word, verdict) != 3) bench_check_fail("program", "python3 printed no result");
  fclose(f);
  if (strcmp(verdict, "ok") != 0) bench_check_fail("program", "python3's JSON round trip differs");
  return n;
}

static unsigned long long do_gcc(unsigned long long scale, double *seconds, long *rss) {
  char src[300], exe[300], out[300];
  path(src, sizeof src, "gen.c");
  path(exe, sizeof exe, "gen");
  path(out, sizeof out, "gen.txt");
  FILE *f = fopen(src, "w");
  if (f == NULL) bench_check_fail("program", "cannot write the input");
  unsigned long long functions = scale * 20, expected = 0;
  fprintf(f, "#include <stdio.h>\n");
  for (unsigned long long i = 0; i < functions; i++) {
    /* f_i(x) = sum over k < 16 of (x * k + i) % 97, for x = 3 */
    fprintf(f, "static unsigned long f%llu(unsigned long x) { unsigned long s = 0;\n"
               "  for (unsigned long k = 0; k < 16; k++) { s += (x * k + %lluul) %% 97ul; }\n  return s; }\n", i, i);
    for (unsigned long long k = 0; k < 16; k++) expected += (3 * k + i) % 97;
  }
  fprintf(f, "int main(void) { unsigned long s = 0;\n");
  for (unsigned long long i = 0; i < functions; i++) fprintf(f, "  s += f%llu(3);\n", i);
  fprintf(f, "  printf(\"%%lu\\n\", s); return 0; }\n");
  fclose(f);
  char *args[] = {"gcc", "-O1", "-o", exe, src, NULL};
  *rss = run(args, NULL, seconds);
  struct rusage compiler = child_usage;
  double ignored;
  char *prog[] = {exe, NULL};
  run(prog, out, &ignored);
  f = fopen(out, "r");
  unsigned long long got = 0;
  if (f == NULL || fscanf(f, "%llu", &got) != 1) bench_check_fail("program", "the compiled program printed nothing");
  fclose(f);
  child_usage = compiler; /* the compiler's run is the measured one */
  if (got != expected) bench_check_fail("program", "the compiled program computed a wrong sum");
  return functions;
}

int main(int argc, char **argv) {
  if (argc != 3) bench_usage(usage);
  unsigned long long scale = bench_arg(argv, 2, 1, 100000, "scale", usage);
  const char *tmp = getenv("TMPDIR");
  snprintf(dir, sizeof dir, "%s/hakmem-program-XXXXXX", tmp != NULL && *tmp ? tmp : "/tmp");
  if (mkdtemp(dir) == NULL) bench_check_fail("program", "cannot create a temporary directory");
  double seconds = 0;
  long rss = 0;
  unsigned long long checked, expected;
  const char *name = argv[1];
  if (strcmp(name, "sort") == 0) checked = do_sort(scale, &seconds, &rss), expected = scale * 1000;
  else if (strcmp(name, "python") == 0) checked = do_python(scale, &seconds, &rss), expected = scale * 1000;
  else if (strcmp(name, "gcc") == 0) checked = do_gcc(scale, &seconds, &rss), expected = scale * 20;
  else bench_usage(usage);
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0) fprintf(stderr, "program: could not remove %s\n", dir);
  printf("program %s: scale %llu in %.3f s, peak %ld KiB\n", name, scale, seconds, rss);
  bench_check_line(name, checked, expected);
  /* The result line's peak and rusage are the child's (wait4), not ours. */
  printf("HAKMEM_RESULT {\"bench\":\"program_%s\",\"ops\":1,\"seconds\":%.6f,\"ops_per_sec\":%.6f,\"threads\":1,"
         "\"max_rss_kb\":%ld,",
         name, seconds, seconds > 0 ? 1.0 / seconds : 0.0, rss);
  bench_print_rusage(&child_usage);
  printf("\"args\":[\"%s\",\"%llu\"]}\n", name, scale);
  return 0;
}
