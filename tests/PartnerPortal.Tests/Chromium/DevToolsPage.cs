using System.Diagnostics;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace PartnerPortal.Tests.Chromium;

/// <summary>
/// Headless Chromium showing one page, driven over the DevTools protocol (a WebSocket, JSON
/// messages): just enough to evaluate JavaScript in the page. No Playwright, no browser download.
/// </summary>
internal sealed class DevToolsPage : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    // Bounds every protocol exchange, so a hung browser fails the test instead of hanging it.
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromMinutes(2);

    private readonly Process _chromium;
    private readonly DirectoryInfo _profile;
    private readonly ClientWebSocket _socket;
    private int _lastId;

    private DevToolsPage(Process chromium, DirectoryInfo profile, ClientWebSocket socket)
    {
        _chromium = chromium;
        _profile = profile;
        _socket = socket;
    }

    /// <summary>Starts Chromium, connects to its blank page and loads <paramref name="url"/> in it.</summary>
    public static async Task<DevToolsPage> OpenAsync(string chromium, Uri url)
    {
        var profile = Directory.CreateTempSubdirectory("chromium-profile-");
        var start = new ProcessStartInfo(chromium) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--user-data-dir=" + profile.FullName, "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
            "about:blank",
        })
        {
            start.ArgumentList.Add(arg);
        }

        // Chromium announces its endpoint on stderr: "DevTools listening on ws://127.0.0.1:PORT/devtools/browser/ID".
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new StringBuilder();
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                listening.TrySetException(new InvalidOperationException("Chromium closed stderr before listening: " + log));
                return;
            }

            lock (log)
            {
                log.AppendLine(e.Data);
            }

            const string Prefix = "DevTools listening on ";
            if (e.Data.StartsWith(Prefix, StringComparison.Ordinal))
            {
                listening.TrySetResult(new Uri(e.Data[Prefix.Length..].Trim()));
            }
        };
        process.OutputDataReceived += (_, _) => { };
        process.Start();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        try
        {
            var browser = await listening.Task.WaitAsync(StartTimeout);
            using var http = new HttpClient { BaseAddress = new Uri($"http://{browser.Authority}/") };
            var targets = await http.GetFromJsonAsync<JsonElement>("json/list");
            var blank = targets.EnumerateArray().First(t => t.GetProperty("type").GetString() == "page");
            var socket = new ClientWebSocket();
            await socket.ConnectAsync(new Uri(blank.GetProperty("webSocketDebuggerUrl").GetString()!), CancellationToken.None).WaitAsync(StartTimeout);
            var page = new DevToolsPage(process, profile, socket);
            await page.NavigateAsync(url);
            return page;
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            profile.Delete(recursive: true);
            throw;
        }
    }

    /// <summary>Loads <paramref name="url"/> and returns once its load event fired, so scripts run in the new document.</summary>
    private async Task NavigateAsync(Uri url)
    {
        await SendAsync("Page.enable", new { });
        var loaded = false;
        await SendAsync("Page.navigate", new { url = url.AbsoluteUri }, e => loaded |= e == "Page.loadEventFired");
        using var timeout = new CancellationTokenSource(ReplyTimeout);
        while (!loaded)
        {
            using var message = await ReceiveAsync(timeout.Token);
            loaded = message.RootElement.TryGetProperty("method", out var method) && method.GetString() == "Page.loadEventFired";
        }
    }

    /// <summary>Evaluates <paramref name="expression"/> in the page (awaiting a promise) and returns its JSON value.</summary>
    /// <exception cref="InvalidOperationException">The script threw.</exception>
    public async Task<JsonElement> EvaluateAsync(string expression)
    {
        var result = await SendAsync("Runtime.evaluate", new { expression, awaitPromise = true, returnByValue = true });
        if (result.TryGetProperty("exceptionDetails", out var exception))
        {
            throw new InvalidOperationException($"Script failed: {exception}");
        }

        return result.GetProperty("result").TryGetProperty("value", out var value) ? value.Clone() : default;
    }

    /// <summary>
    /// Waits until <paramref name="condition"/> (a JavaScript expression) is truthy and returns its
    /// value. The page checks it on every DOM change (a MutationObserver), so nothing sleeps; the
    /// wait is bounded by <paramref name="timeout"/>.
    /// </summary>
    /// <exception cref="TimeoutException">The condition did not hold in time (the message shows what the page showed).</exception>
    public async Task<JsonElement> WaitForAsync(string condition, TimeSpan timeout)
    {
        var script = $$"""
            new Promise(resolve => {
              const check = () => { try { return ({{condition}}); } catch { return null; } };
              const first = check();
              if (first) { resolve(first); return; }
              const observer = new MutationObserver(() => { const v = check(); if (v) { observer.disconnect(); clearTimeout(timer); resolve(v); } });
              observer.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
              const timer = setTimeout(() => { observer.disconnect(); resolve(null); }, {{(int)timeout.TotalMilliseconds}});
            })
            """;
        var value = await EvaluateAsync(script);
        if (value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null or JsonValueKind.False)
        {
            var body = await EvaluateAsync("document.body ? document.body.innerText : '(no body)'");
            throw new TimeoutException($"Within {timeout.TotalSeconds} s the page never satisfied `{condition}`. It showed:\n{body}");
        }

        return value;
    }

    private async Task<JsonElement> SendAsync(string method, object parameters, Action<string>? onEvent = null)
    {
        var id = ++_lastId;
        using var timeout = new CancellationTokenSource(ReplyTimeout);
        var message = JsonSerializer.SerializeToUtf8Bytes(new { id, method, @params = parameters });
        await _socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
        while (true)
        {
            // Responses come in order with events in between; only navigation cares about events.
            using var reply = await ReceiveAsync(timeout.Token);
            if (onEvent is not null && reply.RootElement.TryGetProperty("method", out var eventName))
            {
                onEvent(eventName.GetString()!);
            }

            if (reply.RootElement.TryGetProperty("id", out var replyId) && replyId.GetInt32() == id)
            {
                if (reply.RootElement.TryGetProperty("error", out var error))
                {
                    throw new InvalidOperationException($"{method} failed: {error}");
                }

                return reply.RootElement.GetProperty("result").Clone();
            }
        }
    }

    private async Task<JsonDocument> ReceiveAsync(CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        WebSocketReceiveResult result;
        do
        {
            result = await _socket.ReceiveAsync(chunk, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                throw new InvalidOperationException("Chromium closed the DevTools connection.");
            }

            buffer.Write(chunk, 0, result.Count);
        }
        while (!result.EndOfMessage);
        return JsonDocument.Parse(buffer.ToArray());
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Dispose();
        _chromium.Kill(entireProcessTree: true);
        await _chromium.WaitForExitAsync();
        _chromium.Dispose();
        _profile.Delete(recursive: true);
    }
}
