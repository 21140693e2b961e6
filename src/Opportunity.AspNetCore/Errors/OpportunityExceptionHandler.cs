using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Opportunity.AspNetCore.Errors;

/// <summary>
/// Writes an <see cref="OpportunityException"/> as ProblemDetails (RFC 9457): status and title from
/// <see cref="OpportunityErrorCatalog"/>, <c>type</c> = prefix + code, <c>detail</c> = the message,
/// extensions <c>code</c>, <c>field</c> and (when allowed) <c>winner</c>. Other exceptions are left
/// to the next handler. Server faults (5xx) keep their message out of the response and are logged.
/// </summary>
internal sealed partial class OpportunityExceptionHandler(
    IProblemDetailsService problemDetails,
    IOptions<OpportunityProblemDetailsOptions> options,
    ILogger<OpportunityExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not OpportunityException error)
        {
            return false;
        }

        var (status, title) = OpportunityErrorCatalog.Describe(error);
        var serverFault = status >= StatusCodes.Status500InternalServerError;
        if (serverFault)
        {
            LogServerFault(logger, error, error.ErrorCode);
        }

        var problem = new ProblemDetails
        {
            Type = options.Value.TypePrefix + error.ErrorCode,
            Title = title,
            Status = status,
            Detail = serverFault ? null : error.Message,
            Extensions = { ["code"] = error.ErrorCode },
        };
        if (error.Field is { } field)
        {
            problem.Extensions["field"] = field;
        }

        if (error is ConflictException { Winner: { } winner } && options.Value.IncludeWinner)
        {
            problem.Extensions["winner"] = winner.Value;
        }

        if (error is InputValidationException { Errors: var errors })
        {
            problem.Extensions["errors"] = errors.Select(e => new Dictionary<string, string> { ["location"] = e.Location, ["message"] = e.Message }).ToList();
        }

        httpContext.Response.StatusCode = status;
        // A client that accepts no JSON still gets the status; the body is then left empty.
        await problemDetails.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = error }).ConfigureAwait(false);
        return true;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Opportunity error {ErrorCode} is a fault of the server.")]
    private static partial void LogServerFault(ILogger logger, Exception exception, string errorCode);
}
