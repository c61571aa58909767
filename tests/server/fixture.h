/* fixture.h - what the files of test_server share (defined in
 * tests/test_server.c): the suite "server" runs each test against a fresh
 * in-process server on an ephemeral loopback port over a fresh store with
 * an admin, a coordinator and a viewer token. */
#ifndef COHORT_TEST_SERVER_FIXTURE_H
#define COHORT_TEST_SERVER_FIXTURE_H

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "http/web.h"
#include "http_client.h"
#include "io.h"
#include "io_private.h"

#define TINY COHORT_SOURCE_DIR "/datasets/fixtures/tiny.json"

/* The test's folder, its store and request log, the three tokens' secrets,
 * the server and its port (set by the suite's setup). */
extern char dir[256], dbpath[300], logpath[300];
extern char admin[128], coord[128], viewer[128];
extern io_server *srv;
extern int port;

/* A request to the server (with extra header lines "Name: value\r\n"...);
 * the test fails when there is no answer.  resp_free the answer. */
resp req_h(const char *method, const char *path, const char *token, const char *body,
           const char *extra);
resp req(const char *method, const char *path, const char *token, const char *body);

/* Store the tiny program as "t" (admin). */
void post_tiny(void);

/* Poll a job until it is no longer queued or running; its last answer. */
resp wait_job(const char *id);

#endif
