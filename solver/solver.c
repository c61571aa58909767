/* solver.c - solver module entry points. */
#include <glpk.h>

#include "solver.h"

const char *solver_glpk_version(void)
{
    return glp_version();
}
