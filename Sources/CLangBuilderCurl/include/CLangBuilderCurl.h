/*
 * CLangBuilderCurl: libcurl for LangBuilderHTTPClient. Swift cannot call C variadic functions, so every
 * curl_easy_setopt / curl_easy_getinfo / curl_multi_setopt call Swift needs goes through one of these typed
 * wrappers, plus the thread-safe share handle (DNS cache and TLS sessions) the client's sessions use.
 */
#ifndef CLANGBUILDER_CURL_H
#define CLANGBUILDER_CURL_H

#include <curl/curl.h>

#ifdef __cplusplus
extern "C" {
#endif

CURLcode CLangBuilderCurl_easy_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode CLangBuilderCurl_easy_setopt_offset(CURL *handle, CURLoption option, curl_off_t value);
CURLcode CLangBuilderCurl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode CLangBuilderCurl_easy_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode CLangBuilderCurl_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value);
CURLcode CLangBuilderCurl_easy_setopt_share(CURL *handle, CURLSH *share);
/** CURLOPT_WRITEFUNCTION or CURLOPT_HEADERFUNCTION. */
CURLcode CLangBuilderCurl_easy_setopt_write_function(CURL *handle, CURLoption option, curl_write_callback callback);
CURLcode CLangBuilderCurl_easy_setopt_xferinfo_function(CURL *handle, curl_xferinfo_callback callback);

CURLcode CLangBuilderCurl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode CLangBuilderCurl_easy_getinfo_offset(CURL *handle, CURLINFO info, curl_off_t *value);

CURLMcode CLangBuilderCurl_multi_setopt_long(CURLM *handle, CURLMoption option, long value);

/** The result code of a CURLMSG_DONE message (the union member Swift cannot name portably). */
CURLcode CLangBuilderCurl_message_result(const CURLMsg *message);

/**
 * The process's share handle: it shares the DNS cache and TLS session ids between easy handles on any thread,
 * locked with pthread mutexes. Created on first use (call curl_global_init first); NULL when that failed.
 * Never freed. Connections are not shared through it (libcurl does not support sharing them between threads
 * at once): each session keeps its own.
 */
CURLSH *CLangBuilderCurl_shared(void);

#ifdef __cplusplus
}
#endif

#endif /* CLANGBUILDER_CURL_H */
