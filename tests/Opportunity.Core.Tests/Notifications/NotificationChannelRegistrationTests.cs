using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Opportunity.Leads;
using Opportunity.Notifications;
using Opportunity.Persistence;
using Opportunity.Persistence.InMemory;
using static Opportunity.Core.Tests.Notifications.NotificationTestKit;

namespace Opportunity.Core.Tests.Notifications;

/// <summary><c>AddNotificationChannel</c>, typed event filters and rendered content for system recipients.</summary>
public sealed class NotificationChannelRegistrationTests
{
    [Fact]
    public async Task AddNotificationChannel_CalledTwice_ResolvedFromDiWithItsDependenciesAndAddedOnce()
    {
        var room = new ChatRoom();
        await using var provider = Provider(
            services => services.AddSingleton(room),
            builder => builder.AddNotificationChannel<ChatChannel>().AddNotificationChannel<ChatChannel>());
        await Enqueue(provider, Assigned());

        var dispatcher = provider.GetRequiredService<NotificationDispatcher>();
        await dispatcher.DispatchDueAsync();

        Assert.Equal("chat", Assert.Single(dispatcher.Channels).Name);
        Assert.Same(provider.GetRequiredService<ChatChannel>(), Assert.Single(provider.GetServices<INotificationChannel>()));
        var post = Assert.Single(room.Posts);
        Assert.Equal(("sales@mueller.example", "LeadAssigned"), (post.Recipient.Address, post.EventType));
    }

    [Fact]
    public async Task AddNotificationChannel_TypedEventFilter_OnlyThoseEventsReachTheChannel()
    {
        var room = new ChatRoom();
        await using var provider = Provider(
            services => services.AddSingleton(room),
            builder => builder.AddNotificationChannel<ChatChannel>(o => o.Events.Add<LeadRecalled>()));
        await Enqueue(provider, Assigned(), Message(Stamp(new LeadRecalled(P1), sequence: 2)));

        await provider.GetRequiredService<NotificationDispatcher>().DispatchDueAsync();

        Assert.Equal(2, room.Posts.Count); // the partner and its channel manager, never the LeadAssigned mail
        Assert.All(room.Posts, p => Assert.Equal(nameof(LeadRecalled), p.EventType));
        Assert.Empty(await provider.GetRequiredService<IOutboxStore>().ListPendingAsync());
    }

    [Fact]
    public async Task AddNotificationChannel_FactoryWithName_FilterFromNamedOptionsAppliesToIt()
    {
        var room = new ChatRoom();
        await using var provider = Provider(
            services => services.Configure<NotificationChannelOptions>("chat-eu", o => o.Events.Add(nameof(LeadRecalled))),
            builder => builder.AddNotificationChannel("chat-eu", _ => new ChatChannel(room)));
        await Enqueue(provider, Assigned());

        await provider.GetRequiredService<NotificationDispatcher>().DispatchDueAsync();

        Assert.Empty(room.Posts);
    }

    [Fact]
    public async Task DispatchDueAsync_HostTemplate_SystemRecipientGetsRenderedContent()
    {
        var room = new ChatRoom { Recipients = [new NotificationRecipient("#partner-desk", NotificationAudience.Host)] };
        await using var provider = Provider(
            services => services.AddSingleton(room),
            builder => builder
                .AddNotificationDispatcher(o => o.Templates.Set<LeadAssigned>(NotificationAudience.Host, "en", "Lead {aggregateId} went to {partnerName}", "Accept by {acceptanceDeadline}."))
                .AddNotificationChannel<ChatChannel>());
        await Enqueue(provider, Assigned(), Message(Stamp(new LeadRecalled(P1), sequence: 2)));

        await provider.GetRequiredService<NotificationDispatcher>().DispatchDueAsync();

        var byType = room.Posts.ToDictionary(p => p.EventType);
        var content = byType[nameof(LeadAssigned)].Content!;
        Assert.Equal(("en", "Lead L-1 went to Müller & Söhne", "Accept by 2025-03-03T17:00:00Z."), (content.Language, content.Subject, content.TextBody));
        Assert.Null(byType[nameof(LeadRecalled)].Content); // no Host template: the event as JSON only, still delivered
        Assert.Contains("\"partner\":\"p-1\"", byType[nameof(LeadRecalled)].EventJson, StringComparison.Ordinal);
    }

    [Fact]
    public void EventTypeSet_AddTyped_HoldsTheTypeNameTheOutboxStores()
    {
        var empty = new EventTypeSet();
        var set = new EventTypeSet().Add<LeadAssigned>().Add<LeadRecalled>();

        Assert.True(empty.Allows("Anything"));
        Assert.Equal([Assigned().Type, nameof(LeadRecalled)], set.Order(StringComparer.Ordinal));
        Assert.True(set.Allows("LeadAssigned"));
        Assert.False(set.Allows("LeadRejected"));
        Assert.False(set.Allows("leadassigned"));
    }

    [Fact]
    public void AddNotificationChannel_NullArguments_Throw()
    {
        var builder = new ServiceCollection().AddOpportunityManagement();
        Assert.Throws<ArgumentNullException>(() => NotificationDispatcherBuilderExtensions.AddNotificationChannel<ChatChannel>(null!));
        Assert.Throws<ArgumentException>(() => builder.AddNotificationChannel(" ", _ => new ChatChannel(new ChatRoom())));
        Assert.Throws<ArgumentNullException>(() => builder.AddNotificationChannel("chat", null!));
    }

    private static ServiceProvider Provider(Action<IServiceCollection> services, Action<OpportunityManagementBuilder> register)
    {
        var collection = new ServiceCollection();
        collection.AddSingleton<IClock>(Clock());
        services(collection);
        register(collection.AddOpportunityManagement().AddNotificationDispatcher(o => o.WorkerId = "test"));
        return collection.BuildServiceProvider();
    }

    private static async Task Enqueue(IServiceProvider provider, params OutboxMessage[] messages)
    {
        var store = provider.GetRequiredService<InMemoryStore>();
        await store.UpsertAsync(Partner());
        await store.EnqueueAsync(messages);
    }

    /// <summary>Where <see cref="ChatChannel"/> posts: a dependency the channel gets from DI.</summary>
    public sealed class ChatRoom
    {
        /// <summary>Who the channel addresses; null for the people the dispatcher resolved.</summary>
        public IReadOnlyList<NotificationRecipient>? Recipients { get; init; }

        public ConcurrentQueue<Notification> Posts { get; } = new();
    }

    /// <summary>A custom channel as an adopter writes one: constructor dependencies from DI.</summary>
    public sealed class ChatChannel(ChatRoom room) : INotificationChannel
    {
        public string Name => "chat";

        public ValueTask<IReadOnlyList<NotificationRecipient>> ResolveRecipientsAsync(NotificationRecipientRequest request, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(room.Recipients ?? request.People);

        public Task<DeliveryResult> DeliverAsync(Notification notification, CancellationToken cancellationToken = default)
        {
            room.Posts.Enqueue(notification);
            return Task.FromResult(DeliveryResult.Delivered);
        }
    }
}
