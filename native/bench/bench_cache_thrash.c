/* cache_thrash: active false sharing (see bench_false_sharing.h). */
#include "bench_false_sharing.h"

int main(int argc, char **argv) { return fs_main(argc, argv, "cache_thrash", 0); }
