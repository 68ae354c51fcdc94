{{/* The chart's name, or nameOverride. */}}
{{- define "kdns.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The release's full name: the release name when it contains the chart's name, else both. */}}
{{- define "kdns.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "kdns.deploymentName" -}}
{{- default (include "kdns.fullname" .) .Values.deployment.name -}}
{{- end -}}

{{- define "kdns.serviceName" -}}
{{- if .Values.service.name -}}
{{- .Values.service.name -}}
{{- else if .Values.isClusterService -}}
kube-dns
{{- else -}}
{{- include "kdns.fullname" . -}}
{{- end -}}
{{- end -}}

{{- define "kdns.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "kdns.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "kdns.clusterRoleName" -}}
{{- if .Values.clusterRole.nameOverride -}}
{{- .Values.clusterRole.nameOverride -}}
{{- else if .Values.isClusterService -}}
system:{{ include "kdns.fullname" . }}
{{- else -}}
{{- include "kdns.fullname" . -}}
{{- end -}}
{{- end -}}

{{- define "kdns.customConfigMapName" -}}
{{- default (printf "%s-custom" (include "kdns.fullname" .)) .Values.customConfigMap.name -}}
{{- end -}}

{{/* Labels that select this release's kdns pods (Deployment, PDB, metrics Service). */}}
{{- define "kdns.selectorLabels" -}}
app.kubernetes.io/name: {{ include "kdns.name" . }}
app.kubernetes.io/instance: {{ .Release.Name | quote }}
{{- if .Values.isClusterService }}
k8s-app: {{ .Values.k8sAppLabelOverride | quote }}
{{- end }}
{{- end -}}

{{/* Labels of every object of the DNS server. */}}
{{- define "kdns.labels" -}}
{{ include "kdns.selectorLabels" . }}
app.kubernetes.io/managed-by: {{ .Release.Service | quote }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | replace ":" "-" | replace "@" "_" | trunc 63 | trimSuffix "-" | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name (.Chart.Version | replace "+" "_") | quote }}
{{- if .Values.isClusterService }}
kubernetes.io/cluster-service: "true"
kubernetes.io/name: "kdns"
{{- end }}
{{- with .Values.customLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Labels of the cluster-proportional-autoscaler's objects. */}}
{{- define "kdns.autoscalerSelectorLabels" -}}
app.kubernetes.io/name: {{ include "kdns.name" . }}-autoscaler
app.kubernetes.io/instance: {{ .Release.Name | quote }}
{{- if .Values.isClusterService }}
k8s-app: {{ printf "%s-autoscaler" .Values.k8sAppLabelOverride | quote }}
{{- end }}
{{- end -}}

{{- define "kdns.autoscalerLabels" -}}
{{ include "kdns.autoscalerSelectorLabels" . }}
app.kubernetes.io/managed-by: {{ .Release.Service | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name (.Chart.Version | replace "+" "_") | quote }}
{{- with .Values.customLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/*
The Corefile: extraConfig lines, the custom *.server import, then one block per server whose key
lists every zone with the server's port. Plugins keep their parameters and config blocks.
*/}}
{{- define "kdns.corefile" -}}
{{- $custom := .Values.customConfigMap.enabled -}}
{{- range $name, $conf := .Values.extraConfig }}
{{ $name }}{{ with $conf.parameters }} {{ . }}{{ end }}
{{- end }}
{{- range .Values.servers }}
{{- $port := .port }}
{{- $keys := list }}
{{- range (default (list (dict "zone" ".")) .zones) }}
{{- $keys = append $keys (printf "%s%s%s" (default "" .scheme) (default "." .zone) (ternary (printf ":%v" $port) "" (not (empty $port)))) }}
{{- end }}
{{ join " " $keys }} {
{{- range .plugins }}
    {{ .name }}{{ with .parameters }} {{ . }}{{ end }}{{ with .configBlock }} {
{{ . | trim | indent 8 }}
    }{{ end }}
{{- end }}
{{- if $custom }}
    import /etc/coredns/custom/*.override
{{- end }}
}
{{- end }}
{{- if $custom }}
import /etc/coredns/custom/*.server
{{- end }}
{{- end -}}

{{/*
The DNS ports as JSON: {"<port>": {"udp": bool, "tcp": bool, "servicePort": n, "nodePort": n,
"hostPort": n}}. dns:// (the default) is UDP and TCP; tls:// and grpc:// are TCP.
*/}}
{{- define "kdns.dnsPorts" -}}
{{- $ports := dict -}}
{{- range .Values.servers -}}
{{- $key := toString (default 53 .port) -}}
{{- if not (hasKey $ports $key) -}}
{{- $_ := set $ports $key (dict "udp" false "tcp" false "port" (int (default 53 .port)) "servicePort" (int (default (default 53 .port) .servicePort))) -}}
{{- end -}}
{{- $p := index $ports $key -}}
{{- range (default (list (dict "zone" ".")) .zones) -}}
{{- $scheme := default "dns://" .scheme -}}
{{- if eq $scheme "dns://" -}}
{{- $_ := set $p "udp" true -}}
{{- $_ := set $p "tcp" true -}}
{{- else -}}
{{- $_ := set $p "tcp" true -}}
{{- end -}}
{{- end -}}
{{- with .nodePort }}{{ $_ := set $p "nodePort" (int .) }}{{ end -}}
{{- with .hostPort }}{{ $_ := set $p "hostPort" (int .) }}{{ end -}}
{{- end -}}
{{- toJson $ports -}}
{{- end -}}

{{/* The port name of a DNS port and protocol: dns / dns-tcp for 53 (kubeadm's names), else udp-N / tcp-N. */}}
{{- define "kdns.portName" -}}
{{- $port := index . 0 -}}{{- $proto := index . 1 -}}
{{- if eq (int $port) 53 -}}
{{- ternary "dns" "dns-tcp" (eq $proto "UDP") -}}
{{- else -}}
{{- printf "%s-%v" (lower $proto) $port -}}
{{- end -}}
{{- end -}}

{{/* The port a plugin listens on for HTTP ("" when the plugin is absent): its parameter's port, else the default. */}}
{{- define "kdns.pluginPort" -}}
{{- $want := index . 1 -}}{{- $default := index . 2 -}}
{{- $found := "" -}}
{{- range (index . 0).Values.servers -}}
{{- range .plugins -}}
{{- if and (eq .name $want) (not $found) -}}
{{- $addr := toString (default "" .parameters) -}}
{{- $found = default $default (regexFind "[0-9]+$" $addr) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- $found -}}
{{- end -}}

{{- define "kdns.metricsPort" -}}{{ include "kdns.pluginPort" (list . "prometheus" "9153") }}{{- end -}}
{{- define "kdns.healthPort" -}}{{ include "kdns.pluginPort" (list . "health" "8080") }}{{- end -}}
{{- define "kdns.readyPort" -}}{{ include "kdns.pluginPort" (list . "ready" "8181") }}{{- end -}}

{{/*
What the Corefile's plugins list and watch, as JSON: {"core": [...], "discovery": [...],
"multicluster": [...]}. kubernetes: services, namespaces, endpointslices (unless noendpoints), pods
(with "pods verified"), serviceimports (with "multicluster"); multicluster: serviceimports,
namespaces, endpointslices (unless noendpoints).
*/}}
{{- define "kdns.watched" -}}
{{- $services := false -}}{{- $namespaces := false -}}{{- $slices := false -}}{{- $pods := false -}}{{- $imports := false -}}
{{- range .Values.servers -}}
{{- range .plugins -}}
{{- $block := toString (default "" .configBlock) -}}
{{- $noendpoints := regexMatch "(?m)^\\s*noendpoints\\s*$" $block -}}
{{- if eq .name "kubernetes" -}}
{{- $services = true -}}{{- $namespaces = true -}}
{{- if not $noendpoints }}{{ $slices = true }}{{ end -}}
{{- if regexMatch "(?m)^\\s*pods\\s+verified\\s*$" $block }}{{ $pods = true }}{{ end -}}
{{- if regexMatch "(?m)^\\s*multicluster\\s" $block }}{{ $imports = true }}{{ end -}}
{{- else if eq .name "multicluster" -}}
{{- $namespaces = true -}}{{- $imports = true -}}
{{- if not $noendpoints }}{{ $slices = true }}{{ end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- $core := list -}}
{{- if $services }}{{ $core = append $core "services" }}{{ end -}}
{{- if $namespaces }}{{ $core = append $core "namespaces" }}{{ end -}}
{{- if $pods }}{{ $core = append $core "pods" }}{{ end -}}
{{- $discovery := ternary (list "endpointslices") list $slices -}}
{{- $mcs := ternary (list "serviceimports") list $imports -}}
{{- toJson (dict "core" $core "discovery" $discovery "multicluster" $mcs) -}}
{{- end -}}

{{/* The least number of replicas the Deployment runs with. */}}
{{- define "kdns.minReplicas" -}}
{{- if .Values.hpa.enabled -}}
{{- .Values.hpa.minReplicas | int -}}
{{- else if .Values.autoscaler.enabled -}}
{{- max (int .Values.autoscaler.min) (ternary 2 1 (and .Values.autoscaler.preventSinglePointFailure true)) -}}
{{- else -}}
{{- .Values.replicaCount | int -}}
{{- end -}}
{{- end -}}

{{/* The health plugin's lameduck in seconds (0 when absent or not in s/ms/m). */}}
{{- define "kdns.lameduckSeconds" -}}
{{- $seconds := 0.0 -}}
{{- range .Values.servers -}}
{{- range .plugins -}}
{{- if eq .name "health" -}}
{{- $m := regexFind "lameduck\\s+[0-9.]+(ms|s|m)\\b" (toString (default "" .configBlock)) -}}
{{- if $m -}}
{{- $v := regexFind "[0-9.]+(ms|s|m)" (regexReplaceAll "^lameduck\\s+" $m "") -}}
{{- $n := float64 (regexFind "[0-9.]+" $v) -}}
{{- if hasSuffix "ms" $v }}{{ $n = divf $n 1000 }}{{ else if hasSuffix "m" $v }}{{ $n = mulf $n 60 }}{{ end -}}
{{- $seconds = maxf $seconds $n -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- $seconds -}}
{{- end -}}
