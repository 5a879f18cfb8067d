#include "CLangBuilderCurl.h"

#include <pthread.h>

CURLcode CLangBuilderCurl_easy_setopt_long(CURL *handle, CURLoption option, long value)
{
    return curl_easy_setopt(handle, option, value);
}

CURLcode CLangBuilderCurl_easy_setopt_offset(CURL *handle, CURLoption option, curl_off_t value)
{
    return curl_easy_setopt(handle, option, value);
}

CURLcode CLangBuilderCurl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value)
{
    return curl_easy_setopt(handle, option, value);
}

CURLcode CLangBuilderCurl_easy_setopt_string(CURL *handle, CURLoption option, const char *value)
{
    return curl_easy_setopt(handle, option, value);
}

CURLcode CLangBuilderCurl_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value)
{
    return curl_easy_setopt(handle, option, value);
}

CURLcode CLangBuilderCurl_easy_setopt_share(CURL *handle, CURLSH *share)
{
    return curl_easy_setopt(handle, CURLOPT_SHARE, share);
}

CURLcode CLangBuilderCurl_easy_setopt_write_function(CURL *handle, CURLoption option, curl_write_callback callback)
{
    return curl_easy_setopt(handle, option, callback);
}

CURLcode CLangBuilderCurl_easy_setopt_xferinfo_function(CURL *handle, curl_xferinfo_callback callback)
{
    return curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, callback);
}

CURLcode CLangBuilderCurl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value)
{
    return curl_easy_getinfo(handle, info, value);
}

CURLcode CLangBuilderCurl_easy_getinfo_offset(CURL *handle, CURLINFO info, curl_off_t *value)
{
    return curl_easy_getinfo(handle, info, value);
}

CURLMcode CLangBuilderCurl_multi_setopt_long(CURLM *handle, CURLMoption option, long value)
{
    return curl_multi_setopt(handle, option, value);
}

CURLcode CLangBuilderCurl_message_result(const CURLMsg *message)
{
    return message->data.result;
}

/* One mutex per kind of shared data, as CURLSHOPT_LOCKFUNC asks. */
static pthread_mutex_t share_locks[CURL_LOCK_DATA_LAST];

static void share_lock(CURL *handle, curl_lock_data data, curl_lock_access access, void *user)
{
    (void)handle;
    (void)access;
    (void)user;
    pthread_mutex_lock(&share_locks[data]);
}

static void share_unlock(CURL *handle, curl_lock_data data, void *user)
{
    (void)handle;
    (void)user;
    pthread_mutex_unlock(&share_locks[data]);
}

static CURLSH *shared_handle = NULL;

static void make_shared_handle(void)
{
    CURLSH *share = curl_share_init();
    if (share == NULL) return;
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++) pthread_mutex_init(&share_locks[i], NULL);
    curl_share_setopt(share, CURLSHOPT_LOCKFUNC, share_lock);
    curl_share_setopt(share, CURLSHOPT_UNLOCKFUNC, share_unlock);
    curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    shared_handle = share;
}

CURLSH *CLangBuilderCurl_shared(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, make_shared_handle);
    return shared_handle;
}
