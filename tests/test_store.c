/* test_store.c - the store: migrations, import/export round trip,
 * status history, schedule versions, audit rows, atomicity, tokens; paged
 * lists and entity writes in test_store/entities.c.  Runs
 * on SQLite (test_store) and on PostgreSQL (test_store_pg: the tests that
 * are not about SQLite's file, see PG_TESTS in CMakeLists.txt), through
 * tests/store_target.h. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io.h"
#include "io_private.h"
#include "store_target.h"
#include "test_store/fixture.h"

#define TINY COHORT_SOURCE_DIR "/datasets/fixtures/tiny.json"
#define SAMPLE COHORT_SOURCE_DIR "/datasets/sample.json"

static char dir[256];
static char dbpath[300];

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/cohort-test-store-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    char file[300];
    snprintf(file, sizeof file, "%s/t.db", dir);
    target_setup(dbpath, sizeof dbpath, file);
}

static void teardown(void)
{
    target_teardown();
    char p[400];
    const char *suffix[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s%s", dbpath, suffix[i]);
        unlink(p);
    }
    rmdir(dir);
}

TestSuite(store, .init = setup, .fini = teardown);

static model_instance *load(const char *path)
{
    model_diag d;
    model_diag_init(&d);
    model_instance *inst = NULL;
    int rc = io_instance_read_file(path, &inst, &d);
    cr_assert_eq(rc, IO_OK, "cannot read %s", path);
    model_diag_free(&d);
    return inst;
}

io_store *open_store(void)
{
    io_store *s = NULL;
    char *err = NULL;
    int rc = io_store_open(dbpath, 1, &s, &err);
    cr_assert_eq(rc, IO_OK, "open: %s", err ? err : "?");
    free(err);
    return s;
}

static char *to_json(const model_instance *inst)
{
    char *t = NULL;
    cr_assert_eq(io_instance_to_json(inst, &t), IO_OK);
    return t;
}

/* Count rows of a query against the database, through a separate
 * connection (what is committed). */
static long long count(const char *sql)
{
    return target_count(dbpath, sql);
}

char *import_tiny(io_store *s, const char *id)
{
    model_instance *inst = load(TINY);
    model_diag d;
    model_diag_init(&d);
    char *got = NULL;
    int rc = io_store_program_create(s, id, inst, 0, &got, &d, NULL);
    cr_assert_eq(rc, IO_OK, "create: %s", d.n_errors ? d.errors[0].message : "?");
    model_diag_free(&d);
    model_instance_destroy(inst);
    return got;
}

/* ------------------------------------------------------------ sha256 */

Test(store, sha256_known_vectors)
{
    char hex[65];
    io_sha256_hex("", 0, hex);
    cr_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    io_sha256_hex("abc", 3, hex);
    cr_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"; /* 56 bytes */
    io_sha256_hex(two, strlen(two), hex);
    cr_assert_str_eq(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    char *m = malloc(1000000);
    memset(m, 'a', 1000000);
    io_sha256_hex(m, 1000000, hex);
    free(m);
    cr_assert_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* -------------------------------------------------------- migrations */

Test(store, fresh_database_is_at_the_current_schema)
{
    io_store *s = open_store();
    cr_assert_eq(io_store_schema_version(s), IO_STORE_SCHEMA_VERSION);
    io_store_close(s);
    cr_assert_eq(count("PRAGMA user_version"), IO_STORE_SCHEMA_VERSION);
    cr_assert_eq(count("SELECT count(*) FROM sqlite_master WHERE name = 'schedule_one_published'"), 1);
    sqlite3 *db;
    sqlite3_open(dbpath, &db);
    sqlite3_stmt *st;
    sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    cr_assert_str_eq((const char *)sqlite3_column_text(st, 0), "wal");
    sqlite3_finalize(st);
    sqlite3_close(db);
    /* reopening migrates nothing and keeps the data */
    s = open_store();
    free(import_tiny(s, "a"));
    io_store_close(s);
    s = open_store();
    char *json = NULL;
    cr_assert_eq(io_store_program_json(s, "a", &json, NULL), IO_OK);
    free(json);
    io_store_close(s);
}

Test(store, old_schema_is_migrated_with_its_data)
{
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
    char *err = NULL;
    cr_assert_eq(io_store_migrate(db, 1, &err), IO_OK);
    cr_assert_eq(sqlite3_exec(db,
                              "INSERT INTO token(name, role, hash) VALUES ('old', 'viewer', 'x');",
                              NULL, NULL, NULL),
                 SQLITE_OK);
    sqlite3_close(db);
    cr_assert_eq(count("PRAGMA user_version"), 1);
    cr_assert_eq(count("SELECT count(*) FROM sqlite_master WHERE name = 'audit_program'"), 0);
    io_store *s = open_store();
    cr_assert_eq(io_store_schema_version(s), IO_STORE_SCHEMA_VERSION);
    io_store_close(s);
    cr_assert_eq(count("SELECT count(*) FROM sqlite_master WHERE name = 'audit_program'"), 1);
    cr_assert_eq(count("SELECT count(*) FROM pragma_table_info('program') WHERE name = 'rev'"), 1);
    cr_assert_eq(count("SELECT count(*) FROM token WHERE name = 'old'"), 1);
}

/* The document cache follows writes made through another connection (the
 * CLI importing while the server runs). */
Test(store, cached_documents_follow_other_connections)
{
    io_store *a = open_store(), *b = open_store();
    free(import_tiny(a, "t"));
    char *j1 = NULL, *j2 = NULL;
    cr_assert_eq(io_store_program_json(a, "t", &j1, NULL), IO_OK); /* cached in a */
    model_diag d;
    model_diag_init(&d);
    const char *room = "{\"id\":\"room-a\",\"capacity\":33,\"features\":[],\"available\":[]}";
    cr_assert_eq(io_store_entity_put(b, "t", IO_ENTITY_ROOM, "room-a", room, strlen(room), 0, NULL, &d, NULL),
                 IO_OK);
    cr_assert_eq(io_store_program_json(a, "t", &j2, NULL), IO_OK);
    cr_assert_null(strstr(j1, "\"capacity\":33"));
    cr_assert(strstr(j2, "\"capacity\":33"), "a served a stale document");
    free(j1);
    free(j2);
    /* deleted and re-created elsewhere: no stale document either */
    cr_assert_eq(io_store_program_delete(b, "t", 0, &d, NULL), IO_OK);
    cr_assert_eq(io_store_program_json(a, "t", &j1, NULL), IO_STORE_ENOTFOUND);
    free(import_tiny(b, "t"));
    cr_assert_eq(io_store_program_json(a, "t", &j1, NULL), IO_OK);
    cr_assert_null(strstr(j1, "\"capacity\":33"));
    free(j1);
    model_diag_free(&d);
    io_store_close(a);
    io_store_close(b);
}

Test(store, newer_schema_is_refused)
{
    sqlite3 *db;
    sqlite3_open(dbpath, &db);
    sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL);
    sqlite3_close(db);
    io_store *s = NULL;
    char *err = NULL;
    cr_assert_neq(io_store_open(dbpath, 1, &s, &err), IO_OK);
    cr_assert_null(s);
    cr_assert_not_null(err);
    cr_assert(strstr(err, "newer"), "%s", err);
    free(err);
}

Test(store, missing_database_is_not_created_without_create)
{
    io_store *s = NULL;
    char *err = NULL;
    cr_assert_eq(io_store_open(dbpath, 0, &s, &err), IO_EIO);
    free(err);
    struct stat sb;
    cr_assert_neq(stat(dbpath, &sb), 0);
}

/* ------------------------------------------------------- round trip */

static void round_trip(const char *path)
{
    io_store *s = open_store();
    model_instance *inst = load(path);
    model_diag d;
    model_diag_init(&d);
    char *id = NULL;
    cr_assert_eq(io_store_program_create(s, NULL, inst, 0, &id, &d, NULL), IO_OK);
    model_instance *back = NULL;
    cr_assert_eq(io_store_program_export(s, id, &back, &d), IO_OK);
    char *a = to_json(inst), *b = to_json(back);
    cr_assert_str_eq(a, b, "export differs from the imported instance (%s)", path);
    free(a);
    free(b);
    free(id);
    model_instance_destroy(back);
    model_instance_destroy(inst);
    model_diag_free(&d);
    io_store_close(s);
}

Test(store, import_export_round_trip_tiny)
{
    round_trip(TINY);
}

Test(store, import_export_round_trip_sample)
{
    round_trip(SAMPLE);
}

Test(store, import_and_export_commands_round_trip)
{
    char out[400], cmd[1200];
    snprintf(out, sizeof out, "%s/out.json", dir);
    snprintf(cmd, sizeof cmd, "%s import %s --db '%s' --program riverside >/dev/null", COHORT_BINARY,
             SAMPLE, dbpath);
    cr_assert_eq(system(cmd), 0);
    /* the same id again is refused (exit 2), --replace overwrites */
    snprintf(cmd, sizeof cmd, "%s import %s --db '%s' --program riverside 2>/dev/null",
             COHORT_BINARY, SAMPLE, dbpath);
    cr_assert_eq(WEXITSTATUS(system(cmd)), 2);
    snprintf(cmd, sizeof cmd, "%s import %s --db '%s' --program riverside --replace >/dev/null",
             COHORT_BINARY, SAMPLE, dbpath);
    cr_assert_eq(system(cmd), 0);
    snprintf(cmd, sizeof cmd, "%s export riverside --db '%s' -o %s", COHORT_BINARY, dbpath, out);
    cr_assert_eq(system(cmd), 0);
    model_instance *a = load(SAMPLE), *b = load(out);
    char *ja = to_json(a), *jb = to_json(b);
    cr_assert_str_eq(ja, jb);
    free(ja);
    free(jb);
    model_instance_destroy(a);
    model_instance_destroy(b);
    unlink(out);
    snprintf(cmd, sizeof cmd, "%s export nosuch --db '%s' 2>/dev/null", COHORT_BINARY, dbpath);
    cr_assert_eq(WEXITSTATUS(system(cmd)), 2);
}

Test(store, program_ids_are_derived_and_checked)
{
    io_store *s = open_store();
    char *a = import_tiny(s, NULL), *b = import_tiny(s, NULL);
    cr_assert_str_eq(a, "tiny-clinic");
    cr_assert_str_eq(b, "tiny-clinic-2");
    model_instance *inst = load(TINY);
    model_diag d;
    model_diag_init(&d);
    cr_assert_eq(io_store_program_create(s, "tiny-clinic", inst, 0, NULL, &d, NULL), IO_STORE_ECONFLICT);
    cr_assert_eq(io_store_program_create(s, "bad id/..", inst, 0, NULL, &d, NULL), IO_EINVAL);
    model_diag_free(&d);
    model_instance_destroy(inst);
    char *list = NULL;
    cr_assert_eq(io_store_program_list(s, &list, NULL), IO_OK);
    json_t *j = json_loads(list, 0, NULL);
    cr_assert_eq(json_array_size(j), 2);
    cr_assert_eq(json_integer_value(json_object_get(
                     json_object_get(json_array_get(j, 0), "counts"), "patients")),
                 12);
    json_decref(j);
    free(list);
    free(a);
    free(b);
    io_store_close(s);
}

/* -------------------------------------------------- status history */

Test(store, events_change_rosters_and_record_history)
{
    io_store *s = open_store();
    free(import_tiny(s, "t"));
    model_diag d;
    model_diag_init(&d);
    char *rec = NULL;
    const char *ev = "[{\"event\":\"hold_clinical\",\"group\":\"dbt-1\",\"patient\":\"p01\","
                     "\"date\":\"2025-01-13\"},"
                     "{\"event\":\"returned\",\"group\":\"dbt-1\",\"patient\":\"p01\","
                     "\"date\":\"2025-01-20\"},"
                     "{\"event\":\"dropped\",\"group\":\"dbt-1\",\"patient\":\"p02\","
                     "\"date\":\"2025-01-21\"},"
                     "{\"event\":\"placed\",\"group\":\"dbt-1\",\"patient\":\"p03\","
                     "\"date\":\"2025-01-22\"},"
                     "{\"event\":\"referral\",\"patient\":{\"id\":\"p99\",\"diagnoses\":[\"F41.1\"],"
                     "\"available\":[{\"day\":\"mon\",\"from\":\"09:00\",\"to\":\"17:00\"}],"
                     "\"screened\":true,\"insurance_verified\":true}}]";
    cr_assert_eq(io_store_events_record(s, "t", ev, strlen(ev), 0, &rec, &d), IO_OK, "%s",
                 d.n_errors ? d.errors[0].message : "");
    json_t *r = json_loads(rec, 0, NULL);
    cr_assert_eq(json_array_size(r), 5);
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(r, 1), "status")), "active");
    json_decref(r);
    free(rec);
    char *g = NULL;
    cr_assert_eq(io_store_entity_get(s, "t", IO_ENTITY_GROUP, "dbt-1", &g, NULL), IO_OK);
    json_t *gj = json_loads(g, 0, NULL);
    json_t *m = json_object_get(gj, "members");
    cr_assert_eq(json_array_size(m), 3);
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(m, 1), "status")), "dropped");
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(m, 1), "since")), "2025-01-21");
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(m, 2), "patient")), "p03");
    json_decref(gj);
    free(g);
    cr_assert_eq(io_store_entity_get(s, "t", IO_ENTITY_PATIENT, "p99", &g, NULL), IO_OK);
    cr_assert(strstr(g, "\"added\":\""), "%s", g); /* defaults to the event date */
    free(g);
    char *h = NULL;
    cr_assert_eq(io_store_history(s, "t", "p01", NULL, &h, NULL), IO_OK);
    json_t *hj = json_loads(h, 0, NULL);
    /* imported active, hold_clinical, returned */
    cr_assert_eq(json_array_size(hj), 3);
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(hj, 0), "event")), "imported");
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(hj, 1), "status")),
                     "hold_clinical");
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(hj, 2), "event")), "returned");
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(hj, 2), "date")), "2025-01-20");
    json_decref(hj);
    free(h);
    model_diag_free(&d);
    io_store_close(s);
}

/* Roster events take a fast path (the parsed program is edited and
 * validated, the JSON edited in place): what is stored must still be the
 * normal form, and the cached parsed program must equal a fresh parse. */
Test(store, roster_events_keep_the_normal_form)
{
    io_store *s = open_store();
    free(import_tiny(s, "t"));
    model_diag d;
    model_diag_init(&d);
    const char *ev = "[{\"event\":\"hold_clinical\",\"group\":\"dbt-1\",\"patient\":\"p01\","
                     "\"date\":\"2025-01-13\"},"
                     "{\"event\":\"dropped\",\"group\":\"dbt-1\",\"patient\":\"p02\","
                     "\"date\":\"2025-01-14\"},"
                     "{\"event\":\"placed\",\"group\":\"cbt-1\",\"patient\":\"p05\","
                     "\"date\":\"2025-01-15\"}]";
    cr_assert_eq(io_store_events_record(s, "t", ev, strlen(ev), 0, NULL, &d), IO_OK);
    model_instance *cached = NULL;
    cr_assert_eq(io_store_program_export(s, "t", &cached, &d), IO_OK);
    char *stored = NULL;
    cr_assert_eq(io_store_program_json(s, "t", &stored, NULL), IO_OK);
    model_instance *fresh = NULL;
    cr_assert_eq(io_instance_parse(stored, strlen(stored), &fresh, &d), IO_OK);
    char *a = to_json(cached), *b = to_json(fresh);
    cr_assert_str_eq(a, b);
    json_t *ja = json_loads(b, 0, NULL), *js = json_loads(stored, 0, NULL);
    cr_assert(json_equal(ja, js), "stored document is not in normal form:\n%s\n%s", stored, b);
    json_decref(ja);
    json_decref(js);
    cr_assert(strstr(stored, "{\"patient\":\"p05\",\"status\":\"active\",\"since\":\"2025-01-15\"}"),
              "%s", stored);
    free(a);
    free(b);
    free(stored);
    model_instance_destroy(cached);
    model_instance_destroy(fresh);
    /* a second connection (no cache) reads the same */
    io_store *o = open_store();
    model_instance *other = NULL;
    cr_assert_eq(io_store_program_export(o, "t", &other, &d), IO_OK);
    cr_assert_eq(other->groups[2].members[0].status, MODEL_HOLD_CLINICAL);
    model_instance_destroy(other);
    io_store_close(o);
    model_diag_free(&d);
    io_store_close(s);
}

Test(store, events_are_all_or_nothing)
{
    io_store *s = open_store();
    free(import_tiny(s, "t"));
    long long before = count("SELECT count(*) FROM member_event");
    long long audit = count("SELECT count(*) FROM audit");
    model_diag d;
    model_diag_init(&d);
    const char *ev = "{\"events\":[{\"event\":\"dropped\",\"group\":\"dbt-1\",\"patient\":\"p01\"},"
                     "{\"event\":\"graduated\",\"group\":\"dbt-1\",\"patient\":\"p05\"},"
                     "{\"event\":\"vanished\",\"group\":\"nope\"}]}";
    cr_assert_eq(io_store_events_record(s, "t", ev, strlen(ev), 0, NULL, &d), IO_EINVAL);
    cr_assert_eq(d.n_errors, 2);
    cr_assert_str_eq(d.errors[0].path, "events[1].patient");
    cr_assert_str_eq(d.errors[1].path, "events[2].event");
    model_diag_free(&d);
    cr_assert_eq(count("SELECT count(*) FROM member_event"), before);
    cr_assert_eq(count("SELECT count(*) FROM audit"), audit);
    char *g = NULL;
    cr_assert_eq(io_store_entity_get(s, "t", IO_ENTITY_GROUP, "dbt-1", &g, NULL), IO_OK);
    cr_assert_null(strstr(g, "dropped"));
    free(g);
    io_store_close(s);
}

/* ---------------------------------------------------------- schedules */

Test(store, schedule_versions_and_publishing)
{
    io_store *s = open_store();
    free(import_tiny(s, "t"));
    int v1 = 0, v2 = 0, got = 0;
    cr_assert_eq(io_store_schedule_save(s, "t", "{\"status\":\"optimal\",\"objective\":10}", 0, &v1),
                 IO_OK);
    cr_assert_eq(io_store_schedule_save(s, "t", "{\"status\":\"feasible\",\"objective\":12.5}", 0, &v2),
                 IO_OK);
    cr_assert_eq(v1, 1);
    cr_assert_eq(v2, 2);
    cr_assert_eq(io_store_schedule_save(s, "nope", "{}", 0, &v1), IO_STORE_ENOTFOUND);
    char *t = NULL;
    cr_assert_eq(io_store_schedule_get(s, "t", 0, &t, &got), IO_STORE_ENOTFOUND);
    cr_assert_eq(io_store_schedule_get(s, "t", -1, &t, &got), IO_OK);
    cr_assert_eq(got, 2);
    free(t);
    cr_assert_eq(io_store_schedule_publish(s, "t", 1, 0), IO_OK);
    cr_assert_eq(io_store_schedule_publish(s, "t", 2, 0), IO_OK);
    cr_assert_eq(io_store_schedule_publish(s, "t", 7, 0), IO_STORE_ENOTFOUND);
    cr_assert_eq(count("SELECT count(*) FROM schedule WHERE published = 1"), 1);
    cr_assert_eq(io_store_schedule_get(s, "t", 0, &t, &got), IO_OK);
    cr_assert_eq(got, 2);
    cr_assert(strstr(t, "12.5"));
    free(t);
    cr_assert_eq(io_store_schedule_get(s, "t", 1, &t, &got), IO_OK);
    cr_assert(strstr(t, "optimal"));
    free(t);
    /* published beats newer when asking for "published or latest" */
    cr_assert_eq(io_store_schedule_publish(s, "t", 1, 0), IO_OK);
    cr_assert_eq(io_store_schedule_get(s, "t", -1, &t, &got), IO_OK);
    cr_assert_eq(got, 1);
    free(t);
    cr_assert_eq(io_store_schedule_list(s, "t", &t, NULL), IO_OK);
    json_t *l = json_loads(t, 0, NULL);
    cr_assert_eq(json_array_size(l), 2);
    cr_assert(json_is_true(json_object_get(json_array_get(l, 0), "published")));
    cr_assert_eq(json_real_value(json_object_get(json_array_get(l, 1), "objective")), 12.5);
    json_decref(l);
    free(t);
    io_store_close(s);
}

/* -------------------------------------------------------------- audit */

Test(store, audit_rows_name_actor_action_before_and_after)
{
    io_store *s = open_store();
    char *secret = NULL;
    long tok = 0;
    cr_assert_eq(io_store_token_create(s, IO_ROLE_ADMIN, "ops", 0, &secret, &tok), IO_OK);
    free(secret);
    free(import_tiny(s, "t"));
    model_diag d;
    model_diag_init(&d);
    const char *room = "{\"id\":\"room-a\",\"capacity\":12,\"features\":[],\"available\":[]}";
    cr_assert_eq(io_store_entity_put(s, "t", IO_ENTITY_ROOM, "room-a", room, strlen(room), tok, NULL, &d, NULL),
                 IO_OK);
    model_diag_free(&d);
    char *a = NULL;
    cr_assert_eq(io_store_audit_list(s, "t", &a, NULL), IO_OK);
    json_t *l = json_loads(a, 0, NULL);
    cr_assert_eq(json_array_size(l), 2); /* create, update */
    json_t *up = json_array_get(l, 0);
    cr_assert_str_eq(json_string_value(json_object_get(up, "action")), "entity.update");
    cr_assert_str_eq(json_string_value(json_object_get(up, "entity")), "rooms/room-a");
    cr_assert_eq(json_integer_value(json_object_get(up, "actor")), tok);
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(up, "before"), "capacity")), 10);
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(up, "after"), "capacity")), 12);
    json_t *cr = json_array_get(l, 1);
    cr_assert_str_eq(json_string_value(json_object_get(cr, "action")), "program.create");
    cr_assert(json_is_null(json_object_get(cr, "actor")));
    cr_assert(json_is_null(json_object_get(cr, "before")));
    json_decref(l);
    free(a);
    /* a program's deletion is audited with the whole program as before */
    cr_assert_eq(io_store_program_delete(s, "t", tok, &d, NULL), IO_OK);
    cr_assert_eq(count("SELECT count(*) FROM audit WHERE action = 'program.delete' AND"
                       " before_json LIKE '%room-a%' AND after_json IS NULL"),
                 1);
    cr_assert_eq(count("SELECT count(*) FROM grp"), 0);
    cr_assert_eq(count("SELECT count(*) FROM member_event"), 0);
    model_diag_free(&d);
    io_store_close(s);
}

/* ---------------------------------------------------------- atomicity */

Test(store, failed_import_leaves_nothing_behind)
{
    io_store *s = open_store();
    io_store_close(s);
    /* make the 12th patient row fail inside the transaction */
    sqlite3 *db;
    sqlite3_open(dbpath, &db);
    cr_assert_eq(sqlite3_exec(db,
                              "CREATE TRIGGER boom BEFORE INSERT ON patient WHEN NEW.id = 'p12'"
                              " BEGIN SELECT RAISE(ABORT, 'injected failure'); END;",
                              NULL, NULL, NULL),
                 SQLITE_OK);
    sqlite3_close(db);
    s = open_store();
    model_instance *inst = load(TINY);
    model_diag d;
    model_diag_init(&d);
    cr_assert_eq(io_store_program_create(s, "t", inst, 0, NULL, &d, NULL), IO_STORE_EDB);
    cr_assert(d.n_errors >= 1 && strstr(d.errors[0].message, "injected"), "%s",
              d.n_errors ? d.errors[0].message : "");
    model_diag_free(&d);
    cr_assert_eq(count("SELECT count(*) FROM program"), 0);
    cr_assert_eq(count("SELECT count(*) FROM patient"), 0);
    cr_assert_eq(count("SELECT count(*) FROM group_type"), 0);
    cr_assert_eq(count("SELECT count(*) FROM member_event"), 0);
    cr_assert_eq(count("SELECT count(*) FROM audit"), 0);
    /* the store still works after the rollback */
    sqlite3_open(dbpath, &db);
    sqlite3_exec(db, "DROP TRIGGER boom", NULL, NULL, NULL);
    sqlite3_close(db);
    cr_assert_eq(io_store_program_create(s, "t", inst, 0, NULL, &d, NULL), IO_OK);
    cr_assert_eq(count("SELECT count(*) FROM patient"), 12);
    model_diag_free(&d);
    model_instance_destroy(inst);
    io_store_close(s);
}

Test(store, failed_event_write_rolls_back_every_row)
{
    io_store *s = open_store();
    free(import_tiny(s, "t"));
    sqlite3 *db;
    sqlite3_open(dbpath, &db);
    /* the history row fails after the roster row was written */
    sqlite3_exec(db,
                 "CREATE TRIGGER boom BEFORE INSERT ON member_event WHEN NEW.event = 'dropped'"
                 " BEGIN SELECT RAISE(ABORT, 'injected failure'); END;",
                 NULL, NULL, NULL);
    sqlite3_close(db);
    model_diag d;
    model_diag_init(&d);
    const char *ev = "{\"event\":\"dropped\",\"group\":\"dbt-1\",\"patient\":\"p01\"}";
    cr_assert_eq(io_store_events_record(s, "t", ev, strlen(ev), 0, NULL, &d), IO_STORE_EDB);
    model_diag_free(&d);
    char *g = NULL;
    cr_assert_eq(io_store_entity_get(s, "t", IO_ENTITY_GROUP, "dbt-1", &g, NULL), IO_OK);
    cr_assert_null(strstr(g, "dropped"), "%s", g);
    free(g);
    cr_assert_eq(count("SELECT count(*) FROM audit WHERE action = 'events.record'"), 0);
    io_store_close(s);
}

/* ------------------------------------------------------------- tokens */

Test(store, tokens_are_stored_hashed_and_revocable)
{
    io_store *s = open_store();
    char *secret = NULL;
    long id = 0;
    cr_assert_eq(io_store_token_create(s, IO_ROLE_COORDINATOR, "desk", 0, &secret, &id), IO_OK);
    cr_assert_eq(strncmp(secret, "cht_", 4), 0);
    char hash[65], sql[300];
    io_sha256_hex(secret, strlen(secret), hash);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM token WHERE hash = '%s'", hash);
    cr_assert_eq(count(sql), 1);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM token WHERE hash = '%s' OR name = '%s'", secret,
             secret);
    cr_assert_eq(count(sql), 0);
    long got = 0;
    int role = 0;
    cr_assert_eq(io_store_token_auth(s, secret, &got, &role), IO_OK);
    cr_assert_eq(got, id);
    cr_assert_eq(role, IO_ROLE_COORDINATOR);
    cr_assert_eq(io_store_token_auth(s, "cht_wrong", &got, &role), IO_STORE_ENOTFOUND);
    cr_assert_eq(io_store_token_auth(s, "", &got, &role), IO_STORE_ENOTFOUND);
    char *list = NULL;
    cr_assert_eq(io_store_token_list(s, &list, NULL), IO_OK);
    cr_assert_null(strstr(list, hash));
    cr_assert_null(strstr(list, secret));
    cr_assert(strstr(list, "coordinator"));
    free(list);
    cr_assert_eq(io_store_token_revoke(s, id, 0), IO_OK);
    cr_assert_eq(io_store_token_revoke(s, id, 0), IO_STORE_ENOTFOUND);
    cr_assert_eq(io_store_token_auth(s, secret, &got, &role), IO_STORE_ENOTFOUND);
    cr_assert_eq(count("SELECT count(*) FROM audit WHERE action LIKE 'token.%'"), 2);
    free(secret);
    cr_assert_eq(io_store_token_create(s, 7, NULL, 0, &secret, &id), IO_EINVAL);
    io_store_close(s);
}

Test(store, token_command_creates_lists_and_revokes)
{
    char cmd[1000], out[400];
    snprintf(out, sizeof out, "%s/tok.txt", dir);
    snprintf(cmd, sizeof cmd, "%s token create --role viewer --name kiosk --db '%s' > %s 2>/dev/null",
             COHORT_BINARY, dbpath, out);
    cr_assert_eq(system(cmd), 0);
    char secret[200] = "";
    FILE *f = fopen(out, "r");
    cr_assert_not_null(fgets(secret, sizeof secret, f));
    fclose(f);
    secret[strcspn(secret, "\n")] = '\0';
    io_store *s = open_store();
    int role = 0;
    cr_assert_eq(io_store_token_auth(s, secret, NULL, &role), IO_OK);
    cr_assert_eq(role, IO_ROLE_VIEWER);
    snprintf(cmd, sizeof cmd, "%s token revoke 1 --db '%s' >/dev/null", COHORT_BINARY, dbpath);
    cr_assert_eq(system(cmd), 0);
    cr_assert_eq(io_store_token_auth(s, secret, NULL, &role), IO_STORE_ENOTFOUND);
    snprintf(cmd, sizeof cmd, "%s token create --role root --db '%s' 2>/dev/null", COHORT_BINARY,
             dbpath);
    cr_assert_eq(WEXITSTATUS(system(cmd)), 2);
    snprintf(cmd, sizeof cmd, "%s token list --db '%s' > %s", COHORT_BINARY, dbpath, out);
    cr_assert_eq(system(cmd), 0);
    io_store_close(s);
    unlink(out);
}

/* ------------------------------------------------- two nodes, one store */

typedef struct toggler {
    const char *patient;
    int failed;
    char why[256];
} toggler;

/* On a store handle of its own (a node), put patient on hold and back ten
 * times, then on hold once more, one event per write. */
static void *toggle_member(void *p)
{
    toggler *t = p;
    io_store *s = open_store();
    for (int i = 0; i < 21 && !t->failed; i++) {
        char ev[200];
        snprintf(ev, sizeof ev,
                 "{\"event\":\"%s\",\"group\":\"dbt-1\",\"patient\":\"%s\",\"date\":\"2025-02-%02d\"}",
                 i % 2 ? "returned" : "hold_clinical", t->patient, i + 1);
        model_diag d;
        model_diag_init(&d);
        char *rec = NULL;
        int rc = io_store_events_record(s, "t", ev, strlen(ev), 0, &rec, &d);
        if (rc != IO_OK) {
            t->failed = 1;
            snprintf(t->why, sizeof t->why, "event %d: rc %d %s", i, rc,
                     d.n_errors ? d.errors[0].message : "");
        }
        free(rec);
        model_diag_free(&d);
    }
    io_store_close(s);
    return NULL;
}

/* The lost update: two nodes change the same row (dbt-1's roster) at the
 * same time, each from the revision it loaded.  On PostgreSQL the writes
 * interleave; the revision check makes the later one load again, so both
 * land.  On SQLite the write transactions are serialised anyway. */
Test(store, two_nodes_changing_one_program_both_land)
{
    io_store *s = open_store();
    free(import_tiny(s, "t"));
    toggler a = {"p01", 0, ""}, b = {"p02", 0, ""};
    pthread_t ta, tb;
    pthread_create(&ta, NULL, toggle_member, &a);
    pthread_create(&tb, NULL, toggle_member, &b);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    cr_assert(!a.failed, "%s", a.why);
    cr_assert(!b.failed, "%s", b.why);
    char *g = NULL;
    cr_assert_eq(io_store_entity_get(s, "t", IO_ENTITY_GROUP, "dbt-1", &g, NULL), IO_OK);
    json_t *gj = json_loads(g, 0, NULL), *m = json_object_get(gj, "members");
    cr_assert_eq(json_array_size(m), 2, "%s", g);
    for (size_t i = 0; i < 2; i++)
        cr_assert_str_neq(json_string_value(json_object_get(json_array_get(m, i), "status")),
                          "active", "%s lost its last event: %s",
                          json_string_value(json_object_get(json_array_get(m, i), "patient")), g);
    json_decref(gj);
    free(g);
    cr_assert_eq(count("SELECT count(*) FROM member_event WHERE program_id = 't'"
                       " AND event IN ('hold_clinical', 'returned')"),
                 42);
    io_store_close(s);
}

/* An unreachable PostgreSQL server: a clear error that names the URL
 * without its password, and no store. */
Test(store, an_unreachable_postgresql_is_named_without_its_password)
{
    io_store *s = NULL;
    char *err = NULL;
    int rc = io_store_open("postgresql://cohort:s3cret@127.0.0.1:1/nosuch?password=s3cret&"
                           "sslmode=disable",
                           1, &s, &err);
    cr_assert_eq(rc, IO_EIO);
    cr_assert_null(s);
    cr_assert_not_null(err);
    cr_assert(strstr(err, "cannot connect to PostgreSQL postgresql://cohort:***@127.0.0.1:1/nosuch"),
              "%s", err);
    cr_assert_null(strstr(err, "s3cret"), "%s", err);
    free(err);
}

/* A PostgreSQL connection that breaks (server restart, dropped by a proxy)
 * is made again by the next statement outside a transaction. */
Test(store, a_broken_postgresql_connection_is_made_again)
{
    if (!target_pg())
        cr_skip_test("PostgreSQL only: run by test_store_pg");
    io_store *s = open_store();
    free(import_tiny(s, "t"));
    target_pg_exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                   " WHERE datname = current_database() AND pid <> pg_backend_pid()");
    char *json = NULL;
    cr_assert_eq(io_store_program_json(s, "t", &json, NULL), IO_OK);
    free(json);
    const char *room = "{\"capacity\":9}";
    model_diag d;
    model_diag_init(&d);
    cr_assert_eq(io_store_entity_put(s, "t", IO_ENTITY_ROOM, "room-a", room, strlen(room), 0,
                                     NULL, &d, NULL),
                 IO_OK, "%s", d.n_errors ? d.errors[0].message : "");
    model_diag_free(&d);
    io_store_close(s);
}

/* On a store handle of its own (a node), save 15 schedules of program t. */
static void *save_schedules(void *p)
{
    int *failed = p;
    io_store *s = open_store();
    for (int i = 0; i < 15; i++) {
        int v = 0;
        if (io_store_schedule_save(s, "t", "{\"status\":\"optimal\",\"objective\":1}", 0, &v) !=
            IO_OK)
            (*failed)++;
    }
    io_store_close(s);
    return NULL;
}

/* Two nodes saving schedules of one program at once take turns for the
 * next version number: every save lands, numbered 1..30. */
Test(store, two_nodes_saving_schedules_number_them_apart)
{
    io_store *s = open_store();
    free(import_tiny(s, "t"));
    io_store_close(s);
    int failed[2] = {0, 0};
    pthread_t th[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&th[i], NULL, save_schedules, &failed[i]);
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    cr_assert_eq(failed[0] + failed[1], 0);
    cr_assert_eq(count("SELECT count(DISTINCT version) FROM schedule WHERE program_id = 't'"), 30);
    cr_assert_eq(count("SELECT max(version) FROM schedule WHERE program_id = 't'"), 30);
}
