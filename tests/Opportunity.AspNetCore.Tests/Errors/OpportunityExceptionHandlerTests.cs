using System.Net;

namespace Opportunity.AspNetCore.Tests.Errors;

public sealed class OpportunityExceptionHandlerTests : IAsyncLifetime
{
    private ErrorsApp _app = null!;

    public async Task InitializeAsync() => _app = await ErrorsApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task TryHandleAsync_UnknownLead_Is404WithCode()
    {
        var problem = await PostAsync("/partners/P-a/leads/L-404/accept");

        AssertProblem(problem, HttpStatusCode.NotFound, "lead_not_found", field: null);
        Assert.Equal("Lead not found", problem["title"]);
        Assert.Equal("Lead 'L-404' does not exist in tenant 'acme'.", problem["detail"]);
    }

    [Fact]
    public async Task TryHandleAsync_AcceptByAPartnerNotOffered_Is403()
    {
        await BroadcastAsync("L-1");

        var problem = await PostAsync("/partners/P-c/leads/L-1/accept");

        AssertProblem(problem, HttpStatusCode.Forbidden, "partner_not_assigned", field: null);
        Assert.DoesNotContain("P-a", problem["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task TryHandleAsync_AcceptAfterAnotherPartnerAccepted_Is409WithoutNamingTheWinner()
    {
        await BroadcastAsync("L-1");
        Assert.Equal(HttpStatusCode.NoContent, (await _app.Client.PostAsync("/partners/P-a/leads/L-1/accept", null)).StatusCode);

        var problem = await PostAsync("/partners/P-b/leads/L-1/accept");

        AssertProblem(problem, HttpStatusCode.Conflict, "lead_already_accepted", field: null);
        Assert.Null(problem["winner"]);
        Assert.DoesNotContain("P-a", problem["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task TryHandleAsync_AcceptAfterAnotherPartnerAcceptedWithIncludeWinner_NamesTheWinner()
    {
        await using var app = await ErrorsApp.StartAsync(o => o.IncludeWinner = true);
        Assert.Equal(HttpStatusCode.Created, (await app.Client.PostAsync("/leads/L-1", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await app.Client.PostAsync("/leads/L-1/qualify", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await app.Client.PostAsync("/partners/P-b/leads/L-1/accept", null)).StatusCode);

        var problem = await ProblemDetailsResponse.ReadAsync(await app.Client.PostAsync("/partners/P-a/leads/L-1/accept", null));

        AssertProblem(problem, HttpStatusCode.Conflict, "lead_already_accepted", field: null);
        Assert.Equal("P-b", problem["winner"]);
    }

    [Fact]
    public async Task TryHandleAsync_LeadIdTakenInTheStore_Is409ConcurrencyConflict()
    {
        Assert.Equal(HttpStatusCode.Created, (await _app.Client.PostAsync("/leads/L-1", null)).StatusCode);

        var problem = await PostAsync("/leads/L-1");

        AssertProblem(problem, HttpStatusCode.Conflict, "concurrency_conflict", field: null);
    }

    [Fact]
    public async Task TryHandleAsync_InvalidIdText_Is400NamingTheField()
    {
        var problem = await PostAsync("/partners/P-a/leads/L%E2%80%8B1/accept"); // L, zero-width space, 1

        AssertProblem(problem, HttpStatusCode.BadRequest, "invalid_text", field: "LeadId");
        Assert.Contains("U+200B", problem["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task TryHandleAsync_ConvertWithoutAmount_Is400NamingAmount()
    {
        await BroadcastAsync("L-1");
        Assert.Equal(HttpStatusCode.NoContent, (await _app.Client.PostAsync("/partners/P-a/leads/L-1/accept", null)).StatusCode);

        var problem = await PostAsync("/partners/P-a/leads/L-1/convert");

        AssertProblem(problem, HttpStatusCode.BadRequest, "amount_required", field: "amount");
    }

    [Fact]
    public async Task TryHandleAsync_AcceptBeforeTheLeadIsRouted_Is422()
    {
        Assert.Equal(HttpStatusCode.Created, (await _app.Client.PostAsync("/leads/L-1", null)).StatusCode);

        var problem = await PostAsync("/partners/P-a/leads/L-1/accept");

        AssertProblem(problem, HttpStatusCode.UnprocessableEntity, "invalid_state_transition", field: null);
        Assert.Equal("Lead 'L-1' cannot Accept while it is Captured.", problem["detail"]);
    }

    private async Task BroadcastAsync(string lead)
    {
        Assert.Equal(HttpStatusCode.Created, (await _app.Client.PostAsync($"/leads/{lead}", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await _app.Client.PostAsync($"/leads/{lead}/qualify", null)).StatusCode);
    }

    private async Task<ProblemDetailsResponse> PostAsync(string path) =>
        await ProblemDetailsResponse.ReadAsync(await _app.Client.PostAsync(path, null));

    private static void AssertProblem(ProblemDetailsResponse problem, HttpStatusCode status, string code, string? field)
    {
        Assert.Equal(status, problem.Status);
        Assert.Equal("application/problem+json", problem.ContentType);
        Assert.Equal(((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture), problem["status"]);
        Assert.Equal(code, problem["code"]);
        Assert.Equal("urn:opportunity:error:" + code, problem["type"]);
        Assert.Equal(field, problem["field"]);
        Assert.False(string.IsNullOrEmpty(problem["title"]));
    }
}
