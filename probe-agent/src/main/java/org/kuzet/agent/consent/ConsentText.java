package org.kuzet.agent.consent;

/**
 * What a volunteer is told before kuzet measures anything from their connection. Changing what it says about
 * the risks means raising {@link #VERSION}, which asks everyone to agree again.
 */
public final class ConsentText {
  /** 3: says that the network is looked up (STUN, resolver whoami) and the address discarded. */
  public static final int VERSION = 3;

  public static final String EXPLANATION = """
      Before kuzet measures anything, please read this.

      kuzet checks whether websites are blocked from your internet connection. To do that, this computer
      connects, again and again, to the sites on kuzet's lists. Some of them may be blocked because the
      authorities dislike them: news, human rights, political opposition, LGBTQ+ sites, tools to get around
      blocking.

      What that means for you:
       * Anyone who can watch your network (your internet provider, the administrator of a work, school or
         building network, or the state) can see that this computer connects to those sites, and can
         recognise the pattern as a measurement probe. kuzet does not hide this.
       * In some places, testing blocked sites can break a law or draw unwanted attention. You know your
         situation best. If you are unsure, please do not run kuzet, or talk to the people who gave it to you.
       * To tell blocking from a site that is down, kuzet asks a test helper outside the country to fetch
         each site too. By default these are OONI's public helpers, which thus learn which sites were tested
         from your connection; choose your own helper, or none, with [control] urls in the config file.
       * To record which network and country a result comes from, kuzet asks a public STUN server (by
         default Cloudflare's or Google's, as OONI Probe does) for this computer's public IP address, and asks
         your resolver a "whoami" name (whoami.v4.powerdns.org) to learn its network. It looks both up in a
         table kept on this computer, keeps only the network's number and name and the country, and discards
         the addresses: they are never stored, shown or uploaded. Turn this off with [probe] lookup = off
         (or --no-network-lookup), or set the network yourself with [probe] asn and cc.
       * If you turn upload on, your results are sent to the collector and published for researchers and the
         public. They include the time, your country and your provider's network number (ASN) and name,
         never your IP address, but they can still narrow down who ran them. With upload off (the default), your results
         stay on this computer.
       * You can stop at any time: stop the service, and delete its database to remove your results from this
         computer. 'kuzet consent --withdraw' takes back this agreement.
      """;

  public static final String QUESTION_RUN =
      "Do you understand this, and do you want kuzet to measure from this computer? [y/N] ";

  public static final String QUESTION_UPLOAD =
      "Should your results also be uploaded and published? You can change this later. [y/N] ";

  private ConsentText() {}
}
