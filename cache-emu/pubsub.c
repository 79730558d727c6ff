/*
 * Pub/Sub state: which clients listen on which channels and patterns.
 * (The commands that fill it arrive with cmd_pubsub.c; until a client
 * subscribes there is nothing to free.)
 */
#include "cache-emu/pubsub.h"

#include <stdlib.h>

void cache_pubsub_client_free(struct cache_client *c)
{
    c->nsubs = 0;
    c->pubsub = NULL;
}

void cache_pubsub_free_all(struct cache_server *srv)
{
    srv->pubsub = NULL;
}
