"""Django's Redis cache, with one Redis client per connection pool.

Django's ``RedisCacheClient`` makes a new ``redis.Redis`` object for every
cache call, and each one copies redis-py's table of response callbacks (some
500 dictionary writes): on a page served from the fragment cache that was a
tenth of the page's time. A ``redis.Redis`` is safe to share between threads
(its pool hands out connections), so each pool gets one, made once.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class KithRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(index))
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = KithRedisCacheClient
