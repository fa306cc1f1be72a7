package org.kuzet.core.testing.world;

import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;

/**
 * What the sites and middleboxes of the scenario worlds serve. Each is a {@link Dispatcher} answering every request
 * the same way, because the probe and the helper fetch concurrently and in no fixed order.
 */
public final class Pages {
  public static final String NEWS_TITLE = "Kazakhstan news today: the latest headlines";
  /** The Kazakh ISP blockpage text ("page blocked"), fingerprint cp.d_corp_kz_ps. */
  public static final String KZ_BLOCKPAGE = "<html><head><title>Blocked</title></head>"
      + "<body><h1>Страница заблокирована</h1></body></html>";

  private Pages() {}

  /** A fixed response for every request. */
  public static Dispatcher always(MockResponse response) {
    return new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return response;
      }
    };
  }

  /** The real news site: a page of a couple of KiB with a header of its own (an uncommon one, as sites have). */
  public static Dispatcher news() {
    return always(news(0));
  }

  /**
   * A long article (about 128 KiB): whole at once, or trickling at 2 KiB per 100 ms (20 KiB/s), as a throttling
   * middlebox would pass it; at that rate it cannot arrive within the probe's HTTP timeout.
   */
  public static Dispatcher longArticle(boolean trickling) {
    StringBuilder html = new StringBuilder("<html><head><title>" + NEWS_TITLE + "</title></head><body>");
    while (html.length() < 128 * 1024) {
      html.append("<p>Almaty, Astana, Shymkent: what happened today across the country.</p>\n");
    }
    MockResponse.Builder b = new MockResponse.Builder().addHeader("Content-Type", "text/html; charset=utf-8")
        .body(html.append("</body></html>").toString());
    if (trickling) {
      b.throttleBody(2048, 100, java.util.concurrent.TimeUnit.MILLISECONDS);
    }
    return always(b.build());
  }

  /**
   * A front page that changes on every fetch: the n-th fetch has n times the stories, so no two fetches have
   * lengths within OONI's 0.7 proportion, while the title stays.
   */
  public static Dispatcher dynamicNews() {
    AtomicInteger fetches = new AtomicInteger();
    return new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return news(fetches.incrementAndGet() * 120);
      }
    };
  }

  private static MockResponse news(int stories) {
    StringBuilder body = new StringBuilder("<html><head><title>" + NEWS_TITLE + "</title></head><body>");
    body.append("<p>Astana and Almaty: today's stories from all over the country, politics, economy, sport.</p>"
        .repeat(20));
    for (int i = 0; i < stories; i++) {
      body.append("<p>Story ").append(i).append(": breaking news from the regions.</p>");
    }
    return new MockResponse.Builder()
        .setHeader("Content-Type", "text/html; charset=utf-8")
        .setHeader("X-News-Edition", "kz")
        .body(body.append("</body></html>").toString())
        .build();
  }

  /** The Kazakh blockpage as a middlebox serves it: 200, small, chunked, none of the site's headers. */
  public static Dispatcher kazakhBlockpage() {
    return always(new MockResponse.Builder().setHeader("Content-Type", "text/html; charset=utf-8")
        .chunkedBody(KZ_BLOCKPAGE, 1024).build());
  }

  /** A genuine article that quotes the Kazakh blockpage text (so the fingerprint matches it), served by the site. */
  public static Dispatcher articleQuotingBlockpage() {
    return always(new MockResponse.Builder().setHeader("Content-Type", "text/html; charset=utf-8")
        .setHeader("X-News-Edition", "kz")
        .body("<html><head><title>How sites are blocked in Kazakhstan</title></head><body>"
            + "<p>Readers who open a banned site see a page that says \"Страница заблокирована\".</p>"
            + "<p>Astana and Almaty: what the ministry's orders mean for the press.</p>".repeat(20)
            + "</body></html>")
        .build());
  }

  /**
   * The publisher's own 451 (RFC 7725): a court-ordered removal, the same for every visitor, naming who demanded
   * it in {@code Link: <...>; rel="blocked-by"}.
   */
  public static Dispatcher publisher451() {
    return always(new MockResponse.Builder().code(451).setHeader("Content-Type", "text/html; charset=utf-8")
        .setHeader("Link", "<https://court.example.kz/>; rel=\"blocked-by\"")
        .body("<html><head><title>Unavailable For Legal Reasons: removed by court order</title></head>"
            + "<body><p>This article was removed from our site by order of the court.</p></body></html>")
        .build());
  }

  public static Dispatcher unavailableForLegalReasons() {
    return always(new MockResponse.Builder().code(451).setHeader("Content-Type", "text/html; charset=utf-8")
        .chunkedBody("<html><head><title>451 Unavailable For Legal Reasons</title></head></html>", 1024).build());
  }

  /** Some other site's page: the same status, nothing else in common with the news page. */
  public static Dispatcher otherPage() {
    return always(new MockResponse.Builder().setHeader("Content-Type", "text/html")
        .chunkedBody("<html><head><title>Welcome to nginx!</title></head></html>", 1024).build());
  }

  /** A bot check the site's own server shows some visitors. */
  public static Dispatcher captcha() {
    return always(new MockResponse.Builder().code(403).setHeader("Content-Type", "text/html")
        .body("<html><head><title>Attention Required! One more step</title></head>"
            + "<body>Please complete the security check to access the site.</body></html>")
        .build());
  }

  /** A 302 to {@code location} for every request. */
  public static Dispatcher redirectTo(Object location) {
    return always(new MockResponse.Builder().code(302).setHeader("Location", location.toString()).build());
  }

  /** Redirects every path to a longer one, forever. */
  public static Dispatcher redirectLoop() {
    return new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return new MockResponse.Builder().code(302).setHeader("Location", request.getUrl().encodedPath() + "r")
            .build();
      }
    };
  }
}
