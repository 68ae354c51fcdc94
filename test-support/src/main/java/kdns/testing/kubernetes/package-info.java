/**
 * A fake Kubernetes API server that speaks the real wire protocol to the official client
 * (client-java informers, GenericKubernetesApi, DynamicKubernetesApi, the generated APIs).
 *
 * <h2>Use</h2>
 * <pre>{@code
 * try (FakeApiServer api = FakeApiServer.start()) {          // or startHttps()
 *     api.loadObjects(casesJson.get("objects"));               // API-shaped objects, as in spec/cases
 *     api.create(KubeObjects.namespace("ns1").label("env", "prod").build());
 *     api.create(KubeObjects.service("ns1", "web").clusterIP("10.0.0.5").port("http", "TCP", 80).build());
 *     api.create(KubeObjects.endpointSlice("ns1", "web-1").service("web")
 *             .endpoint(KubeObjects.endpoint("10.1.0.5").hostname("web-0").targetPod("ns1", "web-0"))
 *             .port("http", "TCP", 80).build());
 *     Path kubeconfig = api.kubeconfig(tempDir);               // "kubeconfig FILE" in a Corefile
 *     ...
 *     api.dropAllWatches(); api.compact(); api.endAllWatches(); api.failNextRequests(3, 500);
 *     api.setWatchList(FakeApiServer.WatchListSupport.REJECTED); api.holdInitialEventsEnd();
 *     api.stop(); api.restart(); api.restartWithNewWatchCache();    // kube-apiserver restarting: 410 for old versions
 * }
 * }</pre>
 *
 * <h2>What is served</h2>
 * <ul>
 * <li>Resources: namespaces, services, pods, endpoints (core/v1), endpointslices
 *     (discovery.k8s.io/v1), serviceimports (multicluster.x-k8s.io/v1alpha1, a namespaced CRD
 *     with a status subresource). Discovery: {@code /version}, {@code /api}, {@code /api/v1},
 *     {@code /apis}, {@code /apis/GROUP}, {@code /apis/GROUP/VERSION}.</li>
 * <li>One global resourceVersion (etcd's revision); {@code uid}, {@code creationTimestamp} and
 *     (for pods, endpointslices and custom resources) {@code generation} are set as the real
 *     server does; an update that changes nothing keeps the version and sends no event.</li>
 * <li>LIST: {@code resourceVersion} unset (latest), {@code 0} (latest, {@code limit} ignored as
 *     from the watch cache), {@code N} (not older than N: waits up to 3s, then 504 "Too large
 *     resource version"), {@code N} with {@code limit} or {@code resourceVersionMatch=Exact} (the
 *     state exactly at N, 410 when N is older than the history); {@code limit}/{@code continue}
 *     pages are one consistent snapshot; {@code remainingItemCount} without selectors; items of
 *     built-in lists carry no kind/apiVersion, custom resources' do.</li>
 * <li>Label selectors ({@code = == != in notin exists !exists > <}) and field selectors
 *     ({@code metadata.name}, {@code metadata.namespace}; pods: {@code spec.nodeName},
 *     {@code status.phase}, {@code status.podIP}, ...; services: {@code spec.clusterIP},
 *     {@code spec.type}; namespaces: {@code status.phase}); others are 400 "field label not
 *     supported".</li>
 * <li>WATCH ({@code watch=true|1}): headers at once, then newline-delimited
 *     {@code {"type":...,"object":...}} events in a chunked body. No resourceVersion or
 *     {@code 0}: the current state as ADDED first. {@code N}: the events after N replayed from
 *     the resource's bounded history (default 1000 events, {@code setWatchHistoryLimit}), or an
 *     ERROR event with a {@code kind: Status} 410 "Expired" "too old resource version: N (M)"
 *     and the end of the stream. Selectors follow the set: an object leaving it is DELETED (its
 *     last matching state at the event's version), one entering it ADDED. BOOKMARKs with
 *     {@code allowWatchBookmarks=true} every minute ({@code setBookmarkInterval}) and 2s before
 *     the end, in the real server's two shapes ({@code setBookmarkShape}; by default each watch
 *     alternates them, bare first): an object of the kind holding only
 *     {@code metadata.resourceVersion}, and Go's encoding of an empty object of a built-in kind
 *     ({@code "addressType":"","endpoints":null}, {@code "spec":{"containers":null}}, ...);
 *     {@code timeoutSeconds} ends the stream cleanly (default 30 to 60 minutes).</li>
 * <li>Streaming lists (KEP-3157 "WatchList", {@code watch=true&sendInitialEvents=true&}{@code
 *     resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true}), by default as kube-apiserver
 *     with its WatchList feature on: an ADDED event per object (the current state, which is not
 *     older than the resourceVersion asked for, so never 410), then a BOOKMARK at that state's
 *     resourceVersion annotated {@code "k8s.io/initial-events-end": "true"}, then the live events;
 *     the options are checked as kube-apiserver checks them (422 {@code ListOptions.meta.k8s.io ""
 *     is invalid: ...}). {@code setWatchList} switches to a server that refuses them (422 with the
 *     feature gate off, or 400) or ignores them (a plain watch); {@code holdInitialEventsEnd}
 *     holds the end bookmark back, {@code countStreamingLists} counts the requests.</li>
 * <li>POST (201), PUT, PATCH ({@code application/merge-patch+json}), DELETE (200 with the last
 *     state), {@code /status} subresources. Over HTTP the API server's strategies apply: status
 *     is not written by a create or a PUT of the main resource, a created pod is Pending,
 *     a Service's cluster IP is allocated from 10.96.0.0/12 when absent and is immutable,
 *     names are validated, a stale resourceVersion is 409 Conflict, a missing namespace 404.
 *     The Java API ({@code create/update/apply/delete}) writes objects as a controller would
 *     store them, status included, with the same defaults and errors ({@link
 *     kdns.testing.kubernetes.KubeApiException}).</li>
 * </ul>
 *
 * <h2>Differences from a real API server</h2>
 * <ul>
 * <li>No authentication or authorization (any token is accepted); no admission, no
 *     managedFields, no server-side apply, no strategic-merge or JSON patches (415), no
 *     {@code deletecollection}, no protobuf, no PartialObjectMetadata, no legacy
 *     {@code /api/v1/watch/...} paths, no watch of a single object by name.</li>
 * <li>Deleting a namespace deletes it and everything in it at once (a real namespace is
 *     Terminating until its namespace controller has emptied it).</li>
 * <li>Pods are deleted at once (no kubelet, so no graceful deletion).</li>
 * <li>One history window per resource stands for both the watch cache and etcd compaction.</li>
 * </ul>
 */
package kdns.testing.kubernetes;
