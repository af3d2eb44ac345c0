/*
 * hakmem-supervise: runs one command so that nothing it starts outlives it.
 *
 * usage: hakmem-supervise [--pid-fd N] COMMAND [ARG...]
 *
 * The benchmark runner starts every benchmark (and build) through this program:
 * - It is a child subreaper (PR_SET_CHILD_SUBREAPER): a process the command
 *   starts that escapes with setsid() or a double fork is re-parented to this
 *   program, not to init, so it can still be found and killed.
 * - When the command's main process ends, every remaining descendant is
 *   killed and reaped before this program exits.
 * - SIGTERM, SIGINT, SIGHUP, and the death of its own parent (PR_SET_PDEATHSIG,
 *   so a `kill -9` of the CLI or the language server counts) kill every
 *   descendant at once, then this program ends with that signal.
 * - Its exit mirrors the main process: the same exit status, or the same
 *   terminating signal (re-raised with core dumps off, so only the command's
 *   own core is written).
 * - With --pid-fd N it writes the command's pid and a newline to descriptor N
 *   right after forking, then closes N (the command never inherits it): the
 *   runner needs that pid to sample the command's memory and read its stacks.
 * A command that cannot be started ends it with status 127 and a message on
 * stderr, as a shell would.
 *
 * Linux only (prctl, /proc/<pid>/task/<tid>/children). C11 with POSIX.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * Sends SIGKILL to every descendant of `pid` (not to `pid` itself), children
 * first seen first. Descendants are found through each thread's children list;
 * a process that forks while we walk is caught on the caller's next pass.
 */
static void kill_descendants(pid_t pid, int depth) {
  if (depth > 64) return; /* a chain this deep is caught on a later pass, as its links die */
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
  DIR *tasks = opendir(path);
  if (!tasks) return;
  struct dirent *t;
  while ((t = readdir(tasks)) != NULL) {
    if (t->d_name[0] == '.') continue;
    char children_path[320]; /* "/proc/" + pid + "/task/" + a 255-byte name + "/children" */
    snprintf(children_path, sizeof children_path, "/proc/%d/task/%s/children", (int)pid, t->d_name);
    FILE *f = fopen(children_path, "r");
    if (!f) continue;
    int child;
    while (fscanf(f, "%d", &child) == 1) {
      kill((pid_t)child, SIGKILL);
      kill_descendants((pid_t)child, depth + 1);
    }
    fclose(f);
  }
  closedir(tasks);
}

/* Kills and reaps every process below us until none is left (orphans keep arriving as our children). */
static void kill_all_below_us(void) {
  for (;;) {
    kill_descendants(getpid(), 0);
    pid_t r = waitpid(-1, NULL, 0);
    if (r < 0 && errno == ECHILD) return;
  }
}

/* Ends this program by `sig` (its default action, unblocked), without a core of its own. */
static _Noreturn void die_by(int sig) {
  struct rlimit no_core = {0, 0};
  setrlimit(RLIMIT_CORE, &no_core);
  signal(sig, SIG_DFL);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, sig);
  sigprocmask(SIG_UNBLOCK, &set, NULL);
  raise(sig);
  _exit(128 + sig); /* a signal whose default is not to terminate (none reaches here in practice) */
}

/* Ends this program the way the main process ended. */
static _Noreturn void exit_like(int status) {
  if (WIFSIGNALED(status)) die_by(WTERMSIG(status));
  _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
}

/* Ends this program with `sig`, after everything below it is gone. */
static _Noreturn void stop_with(int sig) {
  kill_all_below_us();
  die_by(sig);
}

int main(int argc, char **argv) {
  int pid_fd = -1;
  int first = 1;
  if (argc > 3 && strcmp(argv[1], "--pid-fd") == 0) {
    pid_fd = atoi(argv[2]);
    first = 3;
  }
  if (argc <= first) {
    fprintf(stderr, "usage: hakmem-supervise [--pid-fd N] COMMAND [ARG...]\n");
    return 2;
  }
  pid_t parent = getppid();
  /* Every signal we act on is taken synchronously by sigwaitinfo: no handler races a wait. */
  sigset_t watched, previous;
  sigemptyset(&watched);
  sigaddset(&watched, SIGCHLD);
  sigaddset(&watched, SIGTERM);
  sigaddset(&watched, SIGINT);
  sigaddset(&watched, SIGHUP);
  sigprocmask(SIG_BLOCK, &watched, &previous);
  if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) perror("hakmem-supervise: PR_SET_CHILD_SUBREAPER");
  if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0) perror("hakmem-supervise: PR_SET_PDEATHSIG");
  /* The parent died before PR_SET_PDEATHSIG took effect: nobody waits for the result. */
  if (getppid() != parent) return 1;

  pid_t main_pid = fork();
  if (main_pid < 0) {
    perror("hakmem-supervise: fork");
    return 127;
  }
  if (main_pid == 0) {
    /* The command gets the signal mask it would have had without us, and no subreaper role. */
    sigprocmask(SIG_SETMASK, &previous, NULL);
    prctl(PR_SET_CHILD_SUBREAPER, 0);
    if (pid_fd >= 0) close(pid_fd);
    execvp(argv[first], argv + first);
    fprintf(stderr, "hakmem-supervise: cannot run %s: %s\n", argv[first], strerror(errno));
    _exit(127);
  }
  if (pid_fd >= 0) {
    char line[32];
    int n = snprintf(line, sizeof line, "%d\n", (int)main_pid);
    if (write(pid_fd, line, (size_t)n) != n) perror("hakmem-supervise: --pid-fd");
    close(pid_fd);
  }

  for (;;) {
    /* Reap what has ended: the main process ends the loop; orphans that ended are just collected. */
    int status;
    pid_t r;
    while ((r = waitpid(-1, &status, WNOHANG)) > 0) {
      if (r == main_pid) {
        kill_all_below_us();
        exit_like(status);
      }
    }
    siginfo_t info;
    int sig = sigwaitinfo(&watched, &info);
    if (sig == SIGTERM || sig == SIGINT || sig == SIGHUP) stop_with(sig);
  }
}
