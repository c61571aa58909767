/* main.c - the cohort executable. */
#include "io.h"

int main(int argc, char **argv)
{
    return io_cli_main(argc, argv);
}
