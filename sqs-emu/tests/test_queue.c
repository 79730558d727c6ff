/* Unit tests for sqs-emu/queue.c: names, idempotent create, delete window,
 * accounts, set attributes, tags, purge, listing and pagination. */
#include "sqs-emu/tests/engine_fixture.h"

static const char *NAME_MSG =
    "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length";
static const char *FIFO_NAME_MSG =
    "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, "
    "must end with .fifo suffix and be 1 to 80 in length.";

static void test_queue_names(void **state)
{
    (void)state;
    struct world *w = world_new(0);
    char n80[81], n81[82], f80[81];
    memset(n80, 'a', 80);
    n80[80] = '\0';
    memset(n81, 'b', 81);
    n81[81] = '\0';
    memset(f80, 'c', 75);
    strcpy(f80 + 75, ".fifo");
    struct sqs_kv fifo = { "FifoQueue", "true" };

    assert_int_equal(sqs_queue_create(w->e, ACCOUNT, n80, NULL, 0, NULL, 0, T0, NULL, &w->err),
                     DD_OK);
    assert_int_equal(sqs_queue_create(w->e, ACCOUNT, "A-z_0", NULL, 0, NULL, 0, T0, NULL, &w->err),
                     DD_OK);
    assert_int_equal(sqs_queue_create(w->e, ACCOUNT, f80, &fifo, 1, NULL, 0, T0, NULL, &w->err),
                     DD_OK);
    const char *bad[] = { n81, "has space", "dot.ted", "slash/x", "ünï", "q.fifo" };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(
            sqs_queue_create(w->e, ACCOUNT, bad[i], NULL, 0, NULL, 0, T0, NULL, &w->err),
            DD_EINVAL);
        assert_err(w, SQS_ERR_INVALID_PARAMETER_VALUE, NAME_MSG);
    }
    /* FifoQueue=true needs the suffix; the suffix counts in the 80. */
    const char *bad_fifo[] = { "nofifo", ".fifo", "a b.fifo", "x.FIFO" };
    for (size_t i = 0; i < sizeof(bad_fifo) / sizeof(bad_fifo[0]); i++) {
        assert_int_equal(
            sqs_queue_create(w->e, ACCOUNT, bad_fifo[i], &fifo, 1, NULL, 0, T0, NULL, &w->err),
            DD_EINVAL);
        assert_err(w, SQS_ERR_INVALID_PARAMETER_VALUE, FIFO_NAME_MSG);
    }
    char f81[82];
    memset(f81, 'd', 76);
    strcpy(f81 + 76, ".fifo");
    assert_int_equal(sqs_queue_create(w->e, ACCOUNT, f81, &fifo, 1, NULL, 0, T0, NULL, &w->err),
                     DD_EINVAL);
    /* Missing name. */
    assert_int_equal(sqs_queue_create(w->e, ACCOUNT, "", NULL, 0, NULL, 0, T0, NULL, &w->err),
                     DD_EINVAL);
    assert_err(w, SQS_ERR_MISSING_PARAMETER, "The request must contain the parameter QueueName.");
    struct sqs_kv bad_bool = { "FifoQueue", "yes" };
    assert_int_equal(
        sqs_queue_create(w->e, ACCOUNT, "z.fifo", &bad_bool, 1, NULL, 0, T0, NULL, &w->err),
        DD_EINVAL);
    assert_err(w, SQS_ERR_INVALID_ATTRIBUTE_VALUE, "Invalid value for the parameter FifoQueue.");
    assert_int_equal(sqs_engine_queue_count(w->e), 3);
    world_free(w);
}

static void test_create_is_idempotent_for_identical_attributes(void **state)
{
    (void)state;
    struct world *w = world_new(1);
    struct sqs_queue *q = make_queue(w, "orders", "VisibilityTimeout", "60", NULL);
    size_t calls = w->store.n;
    struct sqs_queue *again = NULL;
    struct sqs_kv same = { "VisibilityTimeout", "60" };
    assert_int_equal(
        sqs_queue_create(w->e, ACCOUNT, "orders", &same, 1, NULL, 0, T0 + 5, &again, &w->err),
        DD_OK);
    assert_ptr_equal(again, q);
    /* Fewer attributes than the queue has is still "identical". */
    assert_int_equal(
        sqs_queue_create(w->e, ACCOUNT, "orders", NULL, 0, NULL, 0, T0, &again, &w->err), DD_OK);
    /* A default stated explicitly equals the default. */
    struct sqs_kv dflt = { "DelaySeconds", "0" };
    assert_int_equal(
        sqs_queue_create(w->e, ACCOUNT, "orders", &dflt, 1, NULL, 0, T0, &again, &w->err), DD_OK);
    assert_int_equal(w->store.n, calls); /* nothing new to store */
    struct sqs_kv other = { "VisibilityTimeout", "61" };
    assert_int_equal(
        sqs_queue_create(w->e, ACCOUNT, "orders", &other, 1, NULL, 0, T0, &again, &w->err),
        DD_EEXIST);
    assert_err(w, SQS_ERR_QUEUE_NAME_EXISTS,
               "A queue already exists with the same name and a different value for attribute "
               "VisibilityTimeout");
    struct sqs_kv pol = { "Policy", "{}" };
    assert_int_equal(
        sqs_queue_create(w->e, ACCOUNT, "orders", &pol, 1, NULL, 0, T0, &again, &w->err),
        DD_EEXIST);
    assert_err(w, SQS_ERR_QUEUE_NAME_EXISTS,
               "A queue already exists with the same name and a different value for attribute "
               "Policy");
    /* Validation comes before the comparison. */
    struct sqs_kv junk = { "VisibilityTimeout", "-5" };
    assert_int_equal(
        sqs_queue_create(w->e, ACCOUNT, "orders", &junk, 1, NULL, 0, T0, &again, &w->err),
        DD_EINVAL);
    assert_err(w, SQS_ERR_INVALID_ATTRIBUTE_VALUE,
               "Invalid value for the parameter VisibilityTimeout.");
    world_free(w);
}

static void test_delete_and_recreate_window(void **state)
{
    (void)state;
    struct world *w = world_new(0);
    struct sqs_queue *q = make_queue(w, "temp", NULL);
    uint64_t first_id = q->id;
    assert_int_equal(sqs_queue_delete(q, T0 + 1000, &w->err), DD_OK);
    struct sqs_queue *got = NULL;
    assert_int_equal(sqs_queue_get(w->e, ACCOUNT, "temp", T0 + 1000, &got, &w->err), DD_ENOENT);
    assert_err(w, SQS_ERR_QUEUE_DOES_NOT_EXIST, "The specified queue does not exist.");
    const char *wait = "You must wait 60 seconds after deleting a queue before you can create "
                       "another with the same name.";
    assert_int_equal(
        sqs_queue_create(w->e, ACCOUNT, "temp", NULL, 0, NULL, 0, T0 + 1000, NULL, &w->err),
        DD_EINVAL);
    assert_err(w, SQS_ERR_QUEUE_DELETED_RECENTLY, wait);
    assert_int_equal(
        sqs_queue_create(w->e, ACCOUNT, "temp", NULL, 0, NULL, 0, T0 + 60999, NULL, &w->err),
        DD_EINVAL);
    assert_err(w, SQS_ERR_QUEUE_DELETED_RECENTLY, wait);
    /* Another account and another name are not affected. */
    assert_int_equal(
        sqs_queue_create(w->e, "210987654321", "temp", NULL, 0, NULL, 0, T0 + 2000, NULL, &w->err),
        DD_OK);
    assert_int_equal(
        sqs_queue_create(w->e, ACCOUNT, "temp2", NULL, 0, NULL, 0, T0 + 2000, NULL, &w->err),
        DD_OK);
    assert_int_equal(
        sqs_queue_create(w->e, ACCOUNT, "temp", NULL, 0, NULL, 0, T0 + 61000, &got, &w->err),
        DD_OK);
    assert_true(got->id != first_id);
    world_free(w);
}

static void test_accounts_are_separate(void **state)
{
    (void)state;
    struct world *w = world_new(0);
    struct sqs_queue *a = NULL, *b = NULL;
    struct sqs_kv vt = { "VisibilityTimeout", "5" };
    assert_int_equal(sqs_queue_create(w->e, "111111111111", "q", &vt, 1, NULL, 0, T0, &a, &w->err),
                     DD_OK);
    assert_int_equal(sqs_queue_create(w->e, "222222222222", "q", NULL, 0, NULL, 0, T0, &b, &w->err),
                     DD_OK);
    assert_ptr_not_equal(a, b);
    assert_string_equal(a->arn, "arn:aws:sqs:us-east-1:111111111111:q");
    assert_string_equal(b->arn, "arn:aws:sqs:us-east-1:222222222222:q");
    assert_int_equal(b->attrs.visibility_timeout, 30);
    assert_ptr_equal(sqs_queue_lookup_arn(w->e, "arn:aws:sqs:us-east-1:222222222222:q"), b);
    assert_null(sqs_queue_lookup_arn(w->e, "arn:aws:sqs:eu-west-1:222222222222:q"));
    assert_null(sqs_queue_lookup(w->e, "333333333333", "q"));
    world_free(w);
}

static void test_set_attributes_is_all_or_nothing(void **state)
{
    (void)state;
    struct world *w = world_new(1);
    struct sqs_queue *q = make_queue(w, "q", NULL);
    struct sqs_kv kv[] = { { "VisibilityTimeout", "99" }, { "DelaySeconds", "901" } };
    size_t calls = w->store.n;
    assert_int_equal(sqs_queue_set_attributes(q, kv, 2, T0 + 5000, &w->err), DD_EINVAL);
    assert_err(w, SQS_ERR_INVALID_ATTRIBUTE_VALUE, "Invalid value for the parameter DelaySeconds.");
    assert_int_equal(q->attrs.visibility_timeout, 30);
    assert_int_equal(q->modified_s, T0 / 1000);
    assert_int_equal(w->store.n, calls);
    kv[1].value = "900";
    assert_int_equal(sqs_queue_set_attributes(q, kv, 2, T0 + 5000, &w->err), DD_OK);
    assert_int_equal(q->attrs.visibility_timeout, 99);
    assert_int_equal(q->attrs.delay_seconds, 900);
    assert_int_equal(q->modified_s, T0 / 1000 + 5);
    assert_int_equal(q->created_s, T0 / 1000);
    assert_int_equal(w->store.n, calls + 1);
    assert_string_equal(w->store.calls[calls].op, "put_queue");
    world_free(w);
}

static void test_tags(void **state)
{
    (void)state;
    struct world *w = world_new(0);
    struct sqs_kv t0[] = { { "team", "payments" }, { "env", "" } };
    struct sqs_queue *q = NULL;
    assert_int_equal(sqs_queue_create(w->e, ACCOUNT, "t", NULL, 0, t0, 2, T0, &q, &w->err), DD_OK);
    assert_int_equal(q->tags.n, 2);
    assert_string_equal(sqs_kvlist_get(&q->tags, "env"), "");
    struct sqs_kv over = { "team", "billing" };
    assert_int_equal(sqs_queue_tag(q, &over, 1, &w->err), DD_OK);
    assert_string_equal(sqs_kvlist_get(&q->tags, "team"), "billing");
    assert_int_equal(q->tags.n, 2);

    /* 48 more make 50; the 51st is refused and nothing changes. */
    struct sqs_kv many[49];
    char keys[49][16];
    for (int i = 0; i < 49; i++) {
        snprintf(keys[i], sizeof(keys[i]), "k%02d", i);
        many[i].key = keys[i];
        many[i].value = "v";
    }
    assert_int_equal(sqs_queue_tag(q, many, 49, &w->err), DD_EINVAL);
    assert_err(w, SQS_ERR_INVALID_PARAMETER_VALUE, "Too many tags added for queue t.");
    assert_int_equal(q->tags.n, 2);
    assert_int_equal(sqs_queue_tag(q, many, 48, &w->err), DD_OK);
    assert_int_equal(q->tags.n, 50);
    /* Overwriting an existing key at the limit is fine. */
    assert_int_equal(sqs_queue_tag(q, &over, 1, &w->err), DD_OK);

    char k129[130];
    memset(k129, 'k', 129);
    k129[129] = '\0';
    struct sqs_kv longkey = { k129, "v" };
    const char *keep[] = { "k00" };
    assert_int_equal(sqs_queue_untag(q, keep, 1, &w->err), DD_OK);
    assert_int_equal(q->tags.n, 49);
    assert_int_equal(sqs_queue_tag(q, &longkey, 1, &w->err), DD_EINVAL);
    assert_int_equal(w->err.code, SQS_ERR_INVALID_PARAMETER_VALUE);
    struct sqs_kv reserved = { "aws:cost", "v" };
    assert_int_equal(sqs_queue_tag(q, &reserved, 1, &w->err), DD_EINVAL);
    char v257[258];
    memset(v257, 'v', 257);
    v257[257] = '\0';
    struct sqs_kv longval = { "x", v257 };
    assert_int_equal(sqs_queue_tag(q, &longval, 1, &w->err), DD_EINVAL);
    struct sqs_kv empty_key = { "", "v" };
    assert_int_equal(sqs_queue_tag(q, &empty_key, 1, &w->err), DD_EINVAL);
    assert_int_equal(sqs_queue_tag(q, NULL, 0, &w->err), DD_EINVAL);
    assert_err(w, SQS_ERR_MISSING_PARAMETER, "The request must contain the parameter Tags.");
    /* Untag ignores absent keys. */
    const char *gone[] = { "team", "nope" };
    assert_int_equal(sqs_queue_untag(q, gone, 2, &w->err), DD_OK);
    assert_null(sqs_kvlist_get(&q->tags, "team"));
    assert_int_equal(q->tags.n, 48);
    world_free(w);
}

static void test_purge_once_per_minute(void **state)
{
    (void)state;
    struct world *w = world_new(1);
    struct sqs_queue *q = make_queue(w, "pq", NULL);
    for (int i = 0; i < 5; i++)
        send_body(w, q, "m", T0);
    struct sqs_received r[10];
    assert_int_equal(recv_n(w, q, 2, -1, T0, r), 2);
    w->store.n = 0;
    assert_int_equal(sqs_queue_purge(q, T0 + 10, &w->err), DD_OK);
    assert_int_equal(sqs_queue_message_count(q), 0);
    assert_int_equal(q->n_inflight, 0);
    assert_int_equal(w->store.n, 2);
    assert_string_equal(w->store.calls[0].op, "purge");
    assert_string_equal(w->store.calls[1].op, "put_queue");
    send_body(w, q, "after", T0 + 20);
    assert_int_equal(sqs_queue_purge(q, T0 + 60009, &w->err), DD_EINVAL);
    assert_err(w, SQS_ERR_PURGE_QUEUE_IN_PROGRESS,
               "Only one PurgeQueue operation on pq is allowed every 60 seconds.");
    assert_int_equal(sqs_queue_message_count(q), 1);
    assert_int_equal(sqs_queue_purge(q, T0 + 60010, &w->err), DD_OK);
    assert_int_equal(sqs_queue_message_count(q), 0);
    /* The queue works after a purge. */
    send_body(w, q, "again", T0 + 60011);
    assert_int_equal(recv_n(w, q, 10, -1, T0 + 60011, r), 1);
    assert_string_equal(r[0].msg->body, "again");
    world_free(w);
}

static void page_names(struct sqs_name_page *p, char *buf, size_t size)
{
    buf[0] = '\0';
    for (size_t i = 0; i < p->n; i++) {
        strncat(buf, p->names[i], size - strlen(buf) - 1);
        strncat(buf, " ", size - strlen(buf) - 1);
    }
}

static void test_list_queues_prefix_and_pages(void **state)
{
    (void)state;
    struct world *w = world_new(0);
    const char *names[] = { "beta", "alpha", "alpine", "gamma", "al", "delta" };
    for (size_t i = 0; i < 6; i++)
        make_queue(w, names[i], NULL);
    assert_int_equal(
        sqs_queue_create(w->e, "999999999999", "alpaca", NULL, 0, NULL, 0, T0, NULL, &w->err),
        DD_OK);
    struct sqs_name_page p;
    char buf[256];
    assert_int_equal(sqs_queue_list(w->e, ACCOUNT, NULL, 0, NULL, &p, &w->err), DD_OK);
    page_names(&p, buf, sizeof(buf));
    assert_string_equal(buf, "al alpha alpine beta delta gamma ");
    assert_null(p.next_token); /* no MaxResults, no token */
    sqs_name_page_release(&p);

    assert_int_equal(sqs_queue_list(w->e, ACCOUNT, "al", 0, NULL, &p, &w->err), DD_OK);
    page_names(&p, buf, sizeof(buf));
    assert_string_equal(buf, "al alpha alpine ");
    sqs_name_page_release(&p);

    /* Pages of 2: al alpha | alpine beta | delta gamma. */
    char seen[256] = "";
    char *token = NULL;
    int pages = 0;
    do {
        assert_int_equal(sqs_queue_list(w->e, ACCOUNT, NULL, 2, token, &p, &w->err), DD_OK);
        free(token);
        token = p.next_token ? strdup(p.next_token) : NULL;
        page_names(&p, buf, sizeof(buf));
        strcat(seen, buf);
        strcat(seen, "| ");
        sqs_name_page_release(&p);
        /* A queue created between pages sorts before the cursor and is not
         * returned twice or shifting the rest. */
        if (pages == 0)
            make_queue(w, "aardvark", NULL);
        pages++;
    } while (token && pages < 10);
    assert_string_equal(seen, "al alpha | alpine beta | delta gamma | ");
    assert_int_equal(pages, 3);

    assert_int_equal(sqs_queue_list(w->e, ACCOUNT, NULL, 2, "not-a-token!", &p, &w->err),
                     DD_EINVAL);
    assert_err(w, SQS_ERR_INVALID_PARAMETER_VALUE, "Invalid NextToken value.");
    assert_int_equal(sqs_queue_list(w->e, ACCOUNT, NULL, 2, "djE=", &p, &w->err), DD_EINVAL);
    assert_int_equal(sqs_queue_list(w->e, ACCOUNT, NULL, 1001, NULL, &p, &w->err), DD_EINVAL);
    assert_int_equal(w->err.code, SQS_ERR_INVALID_PARAMETER_VALUE);
    /* An account with nothing lists nothing. */
    assert_int_equal(sqs_queue_list(w->e, "000000000000", NULL, 0, NULL, &p, &w->err), DD_OK);
    assert_int_equal(p.n, 0);
    sqs_name_page_release(&p);
    world_free(w);
}

static void test_list_dead_letter_sources(void **state)
{
    (void)state;
    struct world *w = world_new(0);
    struct sqs_queue *dlq = make_queue(w, "dlq", NULL);
    const char *pol = "{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:123456789012:dlq\","
                      "\"maxReceiveCount\":3}";
    make_queue(w, "s2", "RedrivePolicy", pol, NULL);
    make_queue(w, "s1", "RedrivePolicy", pol, NULL);
    make_queue(w, "unrelated", NULL);
    struct sqs_name_page p;
    assert_int_equal(sqs_queue_list_dlq_sources(dlq, 0, NULL, &p, &w->err), DD_OK);
    assert_int_equal(p.n, 2);
    assert_string_equal(p.names[0], "s1");
    assert_string_equal(p.names[1], "s2");
    sqs_name_page_release(&p);
    assert_int_equal(sqs_queue_list_dlq_sources(dlq, 1, NULL, &p, &w->err), DD_OK);
    assert_int_equal(p.n, 1);
    assert_non_null(p.next_token);
    char *tok = strdup(p.next_token);
    sqs_name_page_release(&p);
    assert_int_equal(sqs_queue_list_dlq_sources(dlq, 1, tok, &p, &w->err), DD_OK);
    assert_string_equal(p.names[0], "s2");
    assert_null(p.next_token);
    sqs_name_page_release(&p);
    free(tok);
    world_free(w);
}

static void test_reset_and_engine_tick(void **state)
{
    (void)state;
    struct world *w = world_new(1);
    struct sqs_queue *a = make_queue(w, "a", "DelaySeconds", "10", NULL);
    struct sqs_queue *b = make_queue(w, "b", "DelaySeconds", "5", NULL);
    send_body(w, a, "x", T0);
    send_body(w, b, "y", T0);
    assert_int_equal(sqs_engine_next_event_ms(w->e), T0 + 5000);
    sqs_engine_tick(w->e, T0 + 5000);
    assert_int_equal(sqs_queue_visible_count(b), 1);
    assert_int_equal(sqs_queue_visible_count(a), 0);
    assert_int_equal(sqs_engine_next_event_ms(w->e), T0 + 10000);
    w->store.n = 0;
    assert_int_equal(sqs_engine_reset(w->e), DD_OK);
    assert_int_equal(sqs_engine_queue_count(w->e), 0);
    assert_int_equal(w->store.n, 2);
    assert_string_equal(w->store.calls[0].op, "del_queue");
    assert_int_equal(sqs_engine_next_event_ms(w->e), INT64_MAX);
    /* After a reset the names are free at once. */
    make_queue(w, "a", NULL);
    world_free(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_queue_names),
        cmocka_unit_test(test_create_is_idempotent_for_identical_attributes),
        cmocka_unit_test(test_delete_and_recreate_window),
        cmocka_unit_test(test_accounts_are_separate),
        cmocka_unit_test(test_set_attributes_is_all_or_nothing),
        cmocka_unit_test(test_tags),
        cmocka_unit_test(test_purge_once_per_minute),
        cmocka_unit_test(test_list_queues_prefix_and_pages),
        cmocka_unit_test(test_list_dead_letter_sources),
        cmocka_unit_test(test_reset_and_engine_tick),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
