using System.Net;
using System.Text.Json;

namespace Opportunity.AspNetCore.Tests.Errors;

/// <summary>A ProblemDetails response as a client reads it: status, content type and the JSON members.</summary>
internal sealed record ProblemDetailsResponse(HttpStatusCode Status, string? ContentType, JsonElement Body)
{
    public static async Task<ProblemDetailsResponse> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(text);
        return new ProblemDetailsResponse(response.StatusCode, response.Content.Headers.ContentType?.MediaType, document.RootElement.Clone());
    }

    public string? this[string member] => Body.TryGetProperty(member, out var value) && value.ValueKind != JsonValueKind.Null ? value.ToString() : null;
}
